"""Portuguese wording for the labelled verdict set (data only)."""

# ruff: noqa: E501  (sentences of a letter read better unbroken)

LANGUAGE = "pt"
NAMES = (
    "Deputado João Almeida",
    "Sra. Fernanda Costa",
    "Dr. Ricardo Sousa",
    "Ana Pereira",
    "Vereador Lima",
)
LABELS = {"amount": "Valor", "wallet": "Endereço", "deadline": "Prazo"}

POS = {
    "demand_later": [
        "Responda ACEITO em {hours} horas e eu digo como pagar {amount}.",
        "Os dados de pagamento estão na imagem. {amount}, sem negociação.",
    ],
    "open": ("Olá.", "Preste atenção.", "", "Bom dia."),
    "open_named": ("{name},", "Caro(a) {name},", "Olá, {name}."),
    "hack": (
        "Há alguns meses invadi o seu computador por um link que você abriu. Desde então vejo "
        "tudo na sua tela.",
        "O seu celular está rodando o meu programa há semanas. Tenho cópia das suas conversas, "
        "fotos e de todos os seus contatos.",
        "Hackeei a conta de e-mail que você usa no trabalho e ainda tenho acesso a ela.",
    ),
    "record": (
        "Enquanto você assistia a vídeos adultos, liguei a sua webcam e gravei tudo.",
        "Montei um vídeo: de um lado o site pornô que você visitava, do outro o seu rosto.",
        "Tenho uma gravação sua num momento íntimo. É constrangedora.",
    ),
    "photo": (
        "Veja a imagem em anexo. É você, e não está nada bem na foto.",
        "Tenho fotos suas que acabariam com a sua carreira no dia em que aparecessem.",
        "Você vai se reconhecer nas imagens que envio. São explícitas.",
        "Alguém me passou fotos suas nu e elas parecem verdadeiras.",
    ),
    "secret": (
        "Sei do seu caso extraconjugal com alguém da sua equipe e tenho as mensagens.",
        "Tenho documentos que mostram para onde foram de fato as doações.",
    ),
    "harm": (
        "Sabemos onde você mora e em que escola os seus filhos estudam.",
        "Seguimos o seu carro a semana toda. Da próxima vez não vamos só seguir.",
    ),
    "threat": (
        "Se eu não receber o que peço, enviarei tudo aos seus contatos, colegas e à imprensa.",
        "Caso contrário, o vídeo vai para a sua família e para todos os jornalistas que eu achar.",
        "Se recusar, publicarei o material em todas as redes sociais.",
        "Sua esposa, seus colegas e seus eleitores vão receber uma cópia.",
        "Se ignorar, as imagens serão divulgadas com o seu nome. Vou destruir a sua carreira.",
    ),
    "demand": (
        "Pague {amount} em {coin} para esta carteira: {wallet}",
        "O preço do meu silêncio é {amount}. Envie em {coin} para {wallet}.",
        "Transfira o equivalente a {amount} em {coin} para o endereço abaixo:\n{wallet}",
        "O que eu quero é simples: {amount}. Endereço {coin}: {wallet}",
    ),
    "deadline": (
        "Você tem {hours} horas a partir da abertura deste e-mail.",
        "O prazo é de {hours} horas e a contagem regressiva já começou.",
        "Espero até amanhã à meia-noite, nem um minuto a mais.",
        "Faça isso nas próximas {hours} horas.",
    ),
    "secrecy": (
        "Não responda a esta mensagem; o endereço não é meu.",
        "Não conte a ninguém e não procure a polícia. Se chamar a polícia, publico na hora.",
        "Este e-mail é impossível de rastrear.",
    ),
    "after": (
        "Quando o pagamento chegar, apago tudo e você nunca mais ouvirá falar de mim.",
        "Pague e isto termina aqui.",
    ),
    "subject": (
        "Sua privacidade",
        "Alerta de segurança",
        "{name}",
        "Eu sei o que você fez",
        "Último aviso",
        "Suas fotos",
    ),
}

NEG = {
    "exchange": (
        (
            "Saque confirmado",
            "Seu saque de {amount} em {coin} para {wallet} foi processado. Se não foi você, fale com o suporte em 24 horas para bloquear a conta.",
        ),
        (
            "Novo endereço de depósito",
            "Olá {name}, seu novo endereço de depósito {coin} é {wallet}. Envie apenas {coin} para este endereço.",
        ),
    ),
    "crypto_invest": (
        (
            "Dobre seus bitcoins em 48 horas",
            "Prezado investidor,\n\nNosso robô rendeu 212% no último trimestre. Envie 0,05 {coin} ou mais "
            "para {wallet} em {hours} horas e receba o dobro. Vagas limitadas.",
        ),
        (
            "Pré-venda de tokens termina sexta",
            "Olá {name}, a pré-venda da GreenChain termina na sexta. Compre agora por {amount} a cada 1.000 "
            "tokens enviando {coin} para {wallet}. Não é recomendação de investimento.",
        ),
    ),
    "phishing": (
        (
            "Ação necessária: verifique sua caixa postal",
            "Prezado usuário,\n\nDetectamos um acesso incomum. Sua caixa será suspensa em {hours} horas se "
            "você não confirmar sua identidade:\nhttps://secure-mail-check.test/verify",
        ),
        (
            "Sua encomenda está retida",
            "Olá {name}, não conseguimos entregar sua encomenda. Pague a taxa alfandegária de {amount} em "
            "24 horas: https://parcel-fee.test/pay",
        ),
    ),
    "bitcoin_news": (
        (
            "Mercado: bitcoin recua",
            "O bitcoin caiu 6% na terça-feira para {amount} com a realização de lucros. O ether e outras "
            "criptomoedas acompanharam a queda.",
        ),
        (
            "Polícia alerta para e-mails de sextorsão",
            "A polícia alerta para e-mails em que o remetente diz ter invadido a webcam da vítima e exige "
            "pagamento em bitcoin em poucas horas. Os agentes pedem que ninguém pague e que o caso seja "
            "denunciado.",
        ),
    ),
    "video_complaint": (
        (
            "O vídeo do seu discurso",
            "{name},\n\nAssisti ao vídeo da sua fala no debate sobre habitação e fiquei decepcionado com o "
            "que disse sobre os inquilinos. Meus vizinhos também viram. Espero um pedido de desculpas.",
        ),
    ),
    "invoice": (
        (
            "Fatura NF-{n}",
            "Prezado(a) {name},\n\nSegue a fatura NF-{n} do serviço de buffet. Valor: {amount}. Pagamento em "
            "{days} dias na conta bancária indicada.\n\nFinanceiro",
        ),
        (
            "Lembrete de pagamento",
            "A fatura {n} continua em aberto. Transfira {amount} até o fim do mês para evitar multa.",
        ),
    ),
    "newsletter": (
        (
            "Boletim do bairro nº {n}",
            "Nesta edição: consulta sobre a ciclovia, clube de leitura de férias e uma receita dos "
            "voluntários. Cancele a inscrição quando quiser.",
        ),
    ),
    "press_release": (
        (
            "Nota à imprensa: limpeza do porto",
            "PARA DIVULGAÇÃO IMEDIATA\n\nVoluntários retiraram {n} quilos de plástico do porto no sábado. O "
            "deputado agradeceu aos moradores e anunciou dois novos pontos de coleta.",
        ),
    ),
    "constituent": (
        (
            "Iluminação da Rua Alta",
            "{name},\n\nOs postes da Rua Alta estão apagados há um mês e os idosos têm medo de voltar para "
            "casa à noite. Poderia levar o assunto à prefeitura?\n\nObrigada, Dona Rosa",
        ),
    ),
    "press_photo": (
        (
            "Fotos da inauguração",
            "Olá,\n\nSeguem fotos de {name} na inauguração da biblioteca. Podem usar com crédito para o "
            "Jornal do Porto.",
        ),
    ),
    "security_notice": (
        (
            "Lembrete de segurança da informação",
            "Colegas,\n\nCubram a câmera do notebook quando não estiverem usando e instalem as atualizações. "
            "Se receberem um e-mail dizendo que invadiram seu dispositivo e pedindo dinheiro, não respondam "
            "e encaminhem à equipe de segurança.",
        ),
    ),
    "journalist": (
        (
            "Pedido de comentário",
            "{name},\n\nSou repórter do Jornal do Porto. Circula na internet uma foto que supostamente mostra "
            "o senhor numa festa privada. Vamos publicar amanhã e gostaríamos da sua versão até as 18h.",
        ),
    ),
    "charity": (
        (
            "Apoie o nosso abrigo com cripto",
            "Caro amigo,\n\nNeste inverno o abrigo precisa de {amount} para o aquecimento. Aceitamos doações "
            "em {coin}: {wallet}. Obrigado pela sua generosidade.",
        ),
    ),
}
