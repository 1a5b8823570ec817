"""Spanish wording for the labelled verdict set (data only)."""

# ruff: noqa: E501  (sentences of a letter read better unbroken)

LANGUAGE = "es"
NAMES = (
    "Sr. Javier Moreno",
    "Diputada Lucía Herrera",
    "Sra. Ortega",
    "Don Andrés Navarro",
    "Carmen Ruiz",
)
LABELS = {"amount": "Importe", "wallet": "Dirección", "deadline": "Plazo"}

POS = {
    "demand_later": [
        "Responda ACEPTO en {hours} horas y le diré cómo pagar {amount}.",
        "Los datos de pago están en la imagen. {amount}, sin negociar.",
    ],
    "open": ("Hola.", "Escúcheme bien.", "", "Buenas."),
    "open_named": ("{name}:", "Estimado/a {name}:", "Hola, {name}."),
    "hack": (
        "Hace unos meses entré en su ordenador a través de un enlace que abrió. Desde entonces "
        "veo todo lo que hay en su pantalla.",
        "Su móvil lleva semanas ejecutando mi programa. Tengo copia de sus chats, sus fotos y "
        "toda su agenda de contactos.",
        "He hackeado la cuenta de correo que usa para trabajar y sigo teniendo acceso.",
    ),
    "record": (
        "Mientras veía vídeos para adultos, activé su cámara web y le grabé.",
        "Hice un montaje: a un lado la página porno que visitaba y al otro su cara.",
        "Tengo la grabación de usted en un momento muy íntimo. Es vergonzosa.",
    ),
    "photo": (
        "Mire la imagen adjunta. Ese es usted, y no sale nada favorecido.",
        "Tengo fotos suyas que acabarían con su carrera el mismo día que salieran.",
        "Le reconocerá en las fotografías que le envío. Son explícitas.",
        "Alguien me pasó fotos de usted desnudo y parecen auténticas.",
    ),
    "secret": (
        "Sé lo de su aventura con una persona de su equipo y tengo los mensajes.",
        "Tengo documentos que muestran adónde fueron de verdad las donaciones.",
    ),
    "harm": (
        "Sabemos dónde vive y a qué colegio van sus hijos.",
        "Llevamos una semana siguiendo su coche. La próxima vez no solo le seguiremos.",
    ),
    "threat": (
        "Si no recibo lo que pido, enviaré todo a sus contactos, a sus colegas y a la prensa.",
        "De lo contrario, el vídeo llegará a su familia y a todos los periodistas que encuentre.",
        "Si se niega, publicaré el material en todas las redes sociales.",
        "Su esposa, sus compañeros y sus votantes lo recibirán.",
        "Si lo ignora, las imágenes serán publicadas con su nombre. Voy a arruinar su carrera.",
    ),
    "demand": (
        "Pague {amount} en {coin} a esta billetera: {wallet}",
        "El precio de mi silencio es {amount}. Envíelo en {coin} a {wallet}.",
        "Transfiera el equivalente a {amount} en {coin} a la dirección siguiente:\n{wallet}",
        "Lo que quiero es sencillo: {amount}. Dirección {coin}: {wallet}",
    ),
    "deadline": (
        "Tiene {hours} horas desde que abra este correo.",
        "El plazo es de {hours} horas y la cuenta atrás ya empezó.",
        "Espero hasta mañana a medianoche, ni un minuto más.",
        "Hágalo en las próximas {hours} horas.",
    ),
    "secrecy": (
        "No responda a este mensaje; la dirección no es mía.",
        "No se lo diga a nadie y no acuda a la policía. Si avisa a la policía, lo publico.",
        "Este correo es imposible de rastrear.",
    ),
    "after": (
        "Cuando llegue el pago, borraré todo y no volverá a saber de mí.",
        "Pague y esto termina aquí.",
    ),
    "subject": (
        "Su privacidad",
        "Alerta de seguridad",
        "{name}",
        "Sé lo que hizo",
        "Último aviso",
        "Sus fotos",
    ),
}

NEG = {
    "exchange": (
        (
            "Retirada confirmada",
            "Su retirada de {amount} en {coin} a {wallet} se ha procesado. Si no la solicitó, contacte con soporte en 24 horas para bloquear su cuenta.",
        ),
        (
            "Nueva dirección de depósito",
            "Hola {name}, su nueva dirección de depósito {coin} es {wallet}. Envíe solo {coin} a esta dirección.",
        ),
    ),
    "crypto_invest": (
        (
            "Duplique sus bitcoins en 48 horas",
            "Estimado inversor:\n\nNuestro algoritmo rindió un 212% el último trimestre. Envíe 0,05 {coin} "
            "o más a {wallet} en {hours} horas y reciba el doble. Plazas limitadas.",
        ),
        (
            "Preventa de tokens: cierra el viernes",
            "Hola {name}, la preventa de GreenChain termina el viernes. Compre ahora a {amount} por cada "
            "1.000 tokens enviando {coin} a {wallet}. No es asesoramiento financiero.",
        ),
    ),
    "phishing": (
        (
            "Acción necesaria: verifique su buzón",
            "Estimado usuario:\n\nHemos detectado un inicio de sesión inusual. Su buzón será suspendido en "
            "{hours} horas si no confirma su identidad aquí:\nhttps://secure-mail-check.test/verify",
        ),
        (
            "Su paquete está retenido",
            "Hola {name}, no pudimos entregar su paquete. Pague la tasa de aduanas de {amount} en 24 horas: "
            "https://parcel-fee.test/pay",
        ),
    ),
    "bitcoin_news": (
        (
            "Mercados: el bitcoin cae",
            "El bitcoin cayó un 6% el martes hasta {amount} por la toma de beneficios. Ether y otras "
            "criptomonedas siguieron la tendencia.",
        ),
        (
            "La policía alerta de correos de sextorsión",
            "La policía advierte de correos en los que el remitente dice haber hackeado la cámara web del "
            "destinatario y exige un pago en bitcoin en pocas horas. Los agentes recuerdan que no hay que "
            "pagar y que conviene denunciarlo.",
        ),
    ),
    "video_complaint": (
        (
            "El vídeo de su discurso",
            "{name}:\n\nVi el vídeo de su intervención en el debate de vivienda y me decepcionaron sus "
            "palabras sobre los inquilinos. Mis vecinos también lo han visto. Espero una disculpa.",
        ),
        (
            "Vídeo de la visita al colegio",
            "Hola, los padres están compartiendo en redes un clip de su visita al colegio. Creemos que está "
            "sacado de contexto. ¿Podría su oficina publicar la grabación completa?",
        ),
    ),
    "invoice": (
        (
            "Factura F-{n}",
            "Estimado/a {name}:\n\nAdjuntamos la factura F-{n} del servicio de catering. Importe: {amount}. "
            "Pago en {days} días a la cuenta bancaria indicada.\n\nContabilidad",
        ),
        (
            "Recordatorio de pago",
            "Según nuestros registros, la factura {n} sigue pendiente. Transfiera {amount} antes de fin de "
            "mes para evitar recargos.",
        ),
    ),
    "newsletter": (
        (
            "Boletín vecinal n.º {n}",
            "En este número: la consulta sobre el carril bici, el club de lectura de verano y una receta de "
            "nuestros voluntarios. Puede darse de baja cuando quiera.",
        ),
    ),
    "press_release": (
        (
            "Nota de prensa: limpieza del puerto",
            "PARA DIFUSIÓN INMEDIATA\n\nLos voluntarios retiraron {n} kilos de plástico del puerto el sábado. "
            "La diputada agradeció la participación y anunció dos nuevos puntos de recogida.",
        ),
    ),
    "constituent": (
        (
            "Farolas en la calle Alta",
            "{name}:\n\nLas farolas de la calle Alta llevan un mes rotas y los mayores tienen miedo de volver "
            "a casa de noche. ¿Podría trasladarlo al ayuntamiento?\n\nGracias, Pilar",
        ),
    ),
    "press_photo": (
        (
            "Fotos de la inauguración",
            "Hola:\n\nAdjuntamos fotos de {name} en la inauguración de la biblioteca. Pueden usarlas citando "
            "a El Diario del Puerto.",
        ),
    ),
    "security_notice": (
        (
            "Recordatorio de seguridad informática",
            "Compañeros:\n\nTapen la cámara del portátil cuando no la usen e instalen las actualizaciones. "
            "Si reciben un correo que dice haber hackeado su dispositivo y pide dinero, no respondan y "
            "reenvíenlo al equipo de seguridad.",
        ),
    ),
    "journalist": (
        (
            "Solicitud de comentarios",
            "{name}:\n\nSoy periodista de El Diario del Puerto. Circula en internet una foto que supuestamente "
            "le muestra en una fiesta privada. Publicaremos mañana y querríamos su versión antes de las 18:00.",
        ),
    ),
    "charity": (
        (
            "Apoye nuestro albergue con criptomonedas",
            "Querido amigo:\n\nEste invierno el albergue necesita {amount} para calefacción. Aceptamos "
            "donaciones en {coin}: {wallet}. Gracias por su generosidad.",
        ),
    ),
}
