"""Spanish families (data only)."""

# ruff: noqa: E501, SIM905  (long sentences; word lists read best as one string)

POS = {
    "pos:montage": "[Buenas noches|Hola|Estimado] {name}. [Mire|Abra] [el archivo adjunto|las fotos adjuntas]. [Su cara|Su rostro] [aparece|ha sido puesta] en [fotos muy explícitas|imágenes pornográficas|imágenes obscenas] y [nadie|ninguna persona] [dudará|pondrá en duda] que son reales. Si no [recibo|llegan] {amount} en {coin} a {wallet} [en las próximas|dentro de] {hours} horas, [todos los periódicos|su partido y la prensa|sus votantes y sus colegas] [recibirán|tendrán] [una copia|el paquete completo]. [Usted decide.|La decisión es suya.]",
    "pos:hacker2": "[Soy hacker|Soy especialista en seguridad informática] y [hace tiempo|hace unos meses] [obtuve acceso|tomé el control] [a sus dispositivos|de su sistema]. [Mi programa|El software que instalé] [activó|encendió] su [cámara|webcam] mientras [visitaba páginas para adultos|veía porno] y [lo grabó todo|grabó lo que hacía]. [Quiero|Mi tarifa es de] {amount} en {coin}. [Dirección|Billetera]: {wallet}. [El contador empezó|Tiene {hours} horas] [cuando abrió este correo|desde ahora]. Sin [el pago|la transferencia], [el vídeo|la grabación] [irá a|se enviará a] [todos sus contactos|toda su agenda].",
    "pos:short": "[Tengo|Tenemos] [sus vídeos|sus fotos íntimas|las fotos]. {amount} en {coin} a {wallet} [o|si no] [todos|su familia y amigos|todos sus contactos] [las verán|los recibirán]. [{hours} horas.|Tiene {hours} horas.|El tiempo corre.]",
    "pos:reminder": "[Recordatorio|Segundo aviso|Último recordatorio]: [todavía no ha pagado|aún no ha enviado el dinero]. [Ya tengo preparado|He preparado] [el correo|el mensaje] [con el vídeo|con sus fotos] [para|dirigido a] [sus colegas|sus votantes|su esposa]. [Ahora son|El precio ahora es] {amount}. [Envíelo|Transfiéralo] a {wallet} [antes de|hasta] [mañana por la noche|medianoche]. [No volveré a escribir.|No habrá más avisos.]",
    "pos:business": "[No es nada personal|Esto no es personal], [son negocios|solo negocios]. [Tengo|Poseo] [material|grabaciones|documentos] sobre [su vida privada|sus visitas a cierto apartamento|su relación con una empleada] que [acabarían con|terminarían] su [carrera|mandato]. [Un precio justo|Mi precio] [por mi silencio|por olvidarlo todo] es {amount}, [pagadero|a pagar] en {coin} a {wallet}. [Tiene|Le doy] {hours} horas. [Si acude a la policía|Si involucra a alguien], [el material se publica|todo sale a la luz] [de inmediato|ese mismo día].",
}

NEG = {
    "neg:bank": "[Estimado cliente|Apreciado cliente], [hemos detectado|detectamos] [actividad inusual|un inicio de sesión sospechoso|un intento de pago no autorizado] en su [cuenta|tarjeta]. [Para evitar|Para impedir] [la suspensión|un bloqueo definitivo], [confirme|verifique] sus [datos|identidad] [en {hours} horas|hoy mismo] en https://banco-verificar.test/acceso. [Gracias por confiar en nosotros.|Equipo de Seguridad]",
    "neg:parcel": "[Su paquete|Su envío {n}] [no pudo ser entregado|está retenido en nuestro almacén|espera el despacho de aduanas]. [Debe abonar|Pague la tasa de] {amount} [en {hours} horas|antes de mañana] [o será devuelto|para programar una nueva entrega]: https://envios-seguimiento.test/{n}. [Gracias,|Saludos,] [Servicio de Mensajería|Atención al Cliente]",
    "neg:invest": "[¡Gane|¡Consiga] [hasta|más de] {amount} [a la semana|cada mes] con {coin}! [Nuestro robot de trading|Nuestros expertos|Nuestro algoritmo] [nunca ha perdido|rindió un 300% el año pasado]. [Deposite|Envíe] [desde|solo] 250 USD a {wallet} y [vea crecer su dinero|empiece a ganar hoy]. [La oferta termina en {hours} horas.|Quedan {n} plazas.]",
    "neg:diet": "[¡Pierda|¡Elimine] [hasta 10 kilos|la grasa abdominal] en [30 días|dos semanas] [sin dieta|sin ejercicio|mientras duerme]! [Los médicos no quieren que lo sepa|Las famosas lo usan]: [cápsula natural|fórmula de té verde|pastilla keto]. [Pida ahora|Compre hoy] [y reciba|con] [un 50% de descuento|un frasco gratis] - [la oferta termina a medianoche|quedan {n} frascos]. https://adelgaza-ya.test/pedido",
    "neg:lottery": "[¡Felicidades|Estimado ganador]! [Su dirección de correo|Su boleto número {n}] [ha ganado|fue seleccionado para] {amount} en [nuestra lotería internacional|el sorteo anual en línea]. [Para reclamar su premio|Para liberar los fondos], [pague|envíe] [la tasa de gestión|una pequeña comisión] [de 95 euros|de {amount}] [en {days} días|antes de la fecha límite] y [responda con|envíenos] su [nombre completo y datos bancarios|copia del pasaporte]. [Mantenga esto en secreto hasta cobrar.|No comparta su número ganador.]",
    "neg:warning": "[Aviso de seguridad|Alerta informática]: [estamos viendo|varios compañeros han recibido] correos que afirman que [el remitente hackeó|alguien tomó el control de] [su ordenador|su cámara] y [los grabó|los filmó] [en páginas para adultos|en privado], [exigiendo|pidiendo] {amount} en {coin} [en {hours} horas|con un plazo]. [Es una estafa|Las amenazas son falsas]: [no pague|nunca pague], [no responda|no conteste] y [reenvíe el correo a|denúncielo en] seguridad@oficina.test. [No existe ningún vídeo.|No se grabó nada.]",
    "neg:news": "[La policía|Los investigadores] [detuvo|detuvieron] a [dos hombres|un joven de 24 años|una banda de cuatro personas] [acusados de|sospechosos de] [sextorsión|chantajear] a [decenas de|cientos de] víctimas [en internet|en todo el país]. [Los sospechosos|El grupo] [habrían amenazado|amenazaban] con [enviar|difundir] [imágenes íntimas|vídeos comprometedores] a [las familias|amigos y compañeros] de las víctimas si no [pagaban|transferían] dinero en {coin}. [El juicio empieza|La vista será] [el próximo mes|la próxima semana].",
}

FILLER = (
    "El concierto fue grabado en directo en el viejo teatro y publicado la primavera siguiente.",
    "Pocos lectores prestan atención a la letra pequeña de un contrato.",
    "El plazo del concurso de relatos se amplió dos semanas.",
    "Escribió un diario íntimo durante todo aquel invierno en la montaña.",
    "Los visitantes pueden enviar postales desde la tienda del museo.",
    "La familia publicó las cartas después de su muerte en 1952.",
    "El ayuntamiento hará públicos los resultados de la encuesta el lunes.",
    "Un fotógrafo captó el momento en que se abrió el puente.",
)
WORDS = "río jardín azul ventana cámara plata mañana pueblo cuenta papel naranja historia viaje silencio música pago motor bosque carta mercado invierno médico foto verano familia hora estación botella sombra isla".split()
