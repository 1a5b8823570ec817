"""Portuguese families (data only)."""

# ruff: noqa: E501, SIM905  (long sentences; word lists read best as one string)

POS = {
    "pos:montage": "[Boa noite|Olá|Prezado] {name}. [Veja|Abra] [o arquivo anexo|as fotos em anexo]. [Seu rosto|Sua cara] foi [colocado|montado] em [fotos muito explícitas|imagens pornográficas|imagens obscenas] e [ninguém|nenhuma pessoa] vai [duvidar|desconfiar] que são verdadeiras. Se eu não [receber|vir] {amount} em {coin} na carteira {wallet} [nas próximas|dentro de] {hours} horas, [todos os jornais|seu partido e a imprensa|seus eleitores e colegas] [vão receber|receberão] [uma cópia|o pacote completo]. [A escolha é sua.|Você decide.]",
    "pos:hacker2": "[Sou hacker|Sou especialista em segurança] e [há algum tempo|há alguns meses] [consegui acesso|tomei o controle] [aos seus dispositivos|do seu sistema]. [Meu programa|O software que instalei] [ligou|ativou] a sua [câmera|webcam] enquanto você [via sites adultos|assistia pornografia] e [gravou tudo|gravou o que você fazia]. [Quero|Meu preço é] {amount} em {coin}. [Endereço|Carteira]: {wallet}. [O contador começou|Você tem {hours} horas] [quando abriu este e-mail|a partir de agora]. Sem [o pagamento|a transferência], [o vídeo|a gravação] [vai para|será enviada a] [todos os seus contatos|toda a sua agenda].",
    "pos:short": "[Tenho|Temos] [seus vídeos|suas fotos íntimas|as fotos]. {amount} em {coin} para {wallet} [ou|senão] [todo mundo|sua família e amigos|todos os seus contatos] [vai ver|vão receber]. [{hours} horas.|Você tem {hours} horas.|O tempo está correndo.]",
    "pos:reminder": "[Lembrete|Segundo aviso|Último lembrete]: você [ainda não pagou|ainda não enviou o dinheiro]. [Já preparei|Deixei pronto] [o e-mail|a mensagem] [com o vídeo|com suas fotos] [para|endereçado a] [seus colegas|seus eleitores|sua esposa]. [Agora são|O preço agora é] {amount}. [Envie|Transfira] para {wallet} [antes de|até] [amanhã à noite|meia-noite]. [Não vou escrever de novo.|Não haverá mais avisos.]",
    "pos:business": "[Não é nada pessoal|Isto não é pessoal], [são negócios|apenas negócios]. [Tenho|Guardo] [material|gravações|documentos] sobre [sua vida privada|suas visitas a certo apartamento|sua relação com uma funcionária] que [acabariam com|encerrariam] sua [carreira|vida política]. [Um preço justo|Meu preço] [pelo meu silêncio|para esquecer tudo] é {amount}, [pago|a pagar] em {coin} para {wallet}. [Você tem|Dou-lhe] {hours} horas. [Se procurar a polícia|Se envolver alguém], [o material é publicado|tudo vai para a internet] [na hora|no mesmo dia].",
}

NEG = {
    "neg:bank": "[Prezado cliente|Caro cliente], [detectamos|identificamos] [atividade incomum|um acesso suspeito|uma tentativa de pagamento não autorizada] na sua [conta|cartão]. [Para evitar|Para impedir] [a suspensão|o bloqueio definitivo], [confirme|atualize] seus [dados|cadastro] [em {hours} horas|hoje] em https://banco-atualiza.test/acesso. [Obrigado por ser nosso cliente.|Equipe de Segurança]",
    "neg:parcel": "[Sua encomenda|Seu pacote {n}] [não pôde ser entregue|está retido no centro de distribuição|aguarda liberação alfandegária]. [Pague a taxa de|É necessário pagar] {amount} [em {hours} horas|até amanhã] [ou o objeto será devolvido|para reagendar a entrega]: https://rastreio-correio.test/{n}. [Obrigado,|Atenciosamente,] [Serviço de Entregas|Atendimento]",
    "neg:invest": "[Ganhe|Fature] [até|mais de] {amount} [por semana|todo mês] com {coin}! [Nosso robô de trading|Nossos especialistas|Nosso algoritmo] [nunca perdeu|rendeu 300% no ano passado]. [Deposite|Envie] [a partir de|apenas] R$ 250 para {wallet} e [veja seu dinheiro crescer|comece a lucrar hoje]. [Oferta termina em {hours} horas.|Restam {n} vagas.]",
    "neg:diet": "[Perca|Elimine] [até 10 quilos|a gordura da barriga] em [30 dias|duas semanas] [sem dieta|sem academia|enquanto dorme]! [Os médicos odeiam isto|As famosas usam]: [cápsula natural|fórmula de chá verde|pílula keto]. [Peça agora|Compre hoje] [e ganhe|com] [50% de desconto|um frasco grátis] - [oferta até meia-noite|restam {n} frascos]. https://emagreca-ja.test/pedido",
    "neg:lottery": "[Parabéns|Prezado ganhador]! [Seu e-mail|Seu bilhete número {n}] [ganhou|foi sorteado com] {amount} na [nossa loteria internacional|promoção anual online]. [Para resgatar o prêmio|Para liberar o valor], [pague|envie] [a taxa administrativa|uma pequena tarifa] [de R$ 95|de {amount}] [em {days} dias|antes do prazo] e [responda com|mande] seu [nome completo e dados bancários|documento de identidade]. [Mantenha sigilo até o resgate.|Não divulgue seu número premiado.]",
    "neg:warning": "[Aviso de segurança|Alerta de TI]: [estamos vendo|vários colegas receberam] e-mails dizendo que [o remetente invadiu|alguém tomou o controle de] [o computador|a câmera] e [gravou|filmou] a pessoa [em sites adultos|em momentos íntimos], [exigindo|pedindo] {amount} em {coin} [em {hours} horas|com prazo]. [É golpe|As ameaças são falsas]: [não pague|nunca pague], [não responda|não converse] e [encaminhe para|denuncie em] seguranca@gabinete.test. [Não existe vídeo nenhum.|Nada foi gravado.]",
    "neg:news": "[A polícia|Os investigadores] [prendeu|prenderam] [dois homens|um jovem de 24 anos|uma quadrilha de quatro pessoas] [acusados de|suspeitos de] [sextorsão|chantagear] [dezenas de|centenas de] vítimas [pela internet|em todo o país]. [Os suspeitos|O grupo] [teriam ameaçado|ameaçavam] [enviar|divulgar] [imagens íntimas|vídeos comprometedores] para [as famílias|amigos e colegas] das vítimas se elas não [pagassem|transferissem] dinheiro em {coin}. [O julgamento começa|A audiência será] [no próximo mês|na próxima semana].",
}

FILLER = (
    "O show foi gravado ao vivo no antigo teatro e lançado na primavera seguinte.",
    "Poucos leitores prestam atenção às letras miúdas de um contrato.",
    "O prazo do concurso de contos foi prorrogado por duas semanas.",
    "Ela manteve relacionamentos íntimos durante toda a vida com poucas pessoas.",
    "Foi uma luta paga para conseguir o título depois de anos de treino.",
    "A análise a longo prazo dos documentos mostrou outra história.",
    "A família publicou as cartas depois da morte dele em 1952.",
    "Um fotógrafo registrou o momento em que a ponte foi aberta.",
)
WORDS = "rio jardim azul janela câmera prata manhã aldeia conta papel laranja história viagem silêncio música pagamento motor floresta carta mercado inverno médico foto verão família hora estação garrafa sombra ilha".split()
