"""A second set of real-style hard negatives, written apart from the training families (pure).

Written in session 11 before any false alarm of it was looked at: the kinds a public
honeypot of real spam and phishing holds (bank, parcel, toll and fine phishing, diet pills,
lottery, crypto investment and recovery offers, security alerts that look like
sextortion, dating spam), one letter per family and language in the nine languages of
the cue lists, in its own wording (no phrase or slot of training/verdicts is reused),
each padded as bulk mail pads it: not at all, with a block of random sentences lifted
from elsewhere (hash-busting filler that carries cue words by chance: "recorded",
"paid", "deadline", "family"), the same sentences hidden in HTML, or the sentences
scattered between the letter's own lines.

The families were split by hand when written, before any row was judged: the tuning
half may be read row by row while the cues and the combiner are worked on; the held-out
half is only ever counted. Each family names the training family of its kind (`kin`),
so leave-one-family-out judges it without that family as well.
"""

# ruff: noqa: E501  (a letter reads best in its own lines, whatever their width)

from __future__ import annotations

import random
import re
from html import escape
from typing import Any

from training.verdicts.make_labelled import spin
from triage.analyse import visible_text

SEED = 1101
PADDINGS = ("plain", "sentences", "hidden-html", "scattered")
_CJK_LANGUAGES = frozenset(("ja", "zh-Hans", "zh-Hant"))

# family -> (half, kindred training family)
FAMILIES: dict[str, tuple[str, str]] = {
    "hp:parcel": ("tuning", "neg:parcel"),
    "hp:toll": ("tuning", "neg:toll"),
    "hp:lottery": ("tuning", "neg:lottery"),
    "hp:invest": ("tuning", "neg:invest"),
    "hp:account_alert": ("tuning", "neg:security_notice"),
    "hp:bank": ("held-out", "neg:bank"),
    "hp:diet": ("held-out", "neg:diet"),
    "hp:recovery": ("held-out", "neg:recovery"),
    "hp:webcam_alert": ("held-out", "neg:antivirus"),
    "hp:dating": ("held-out", "neg:dating_spam"),
}
TUNING_FAMILIES = frozenset(f for f, (half, _) in FAMILIES.items() if half == "tuning")
HELD_OUT_FAMILIES = frozenset(f for f, (half, _) in FAMILIES.items() if half == "held-out")

_W = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"  # BIP-173's example address

LETTERS: dict[str, dict[str, str]] = {
    "hp:parcel": {
        "en": "[Your parcel|Your package] [could not be delivered|is on hold at our depot] because "
        "the [shipping fee|customs duty] of $2.99 was not paid. [Confirm your address|Schedule a "
        "new delivery] at https://dhl-redeliver.info/track within 48 hours, otherwise the parcel "
        "is returned to the sender. Tracking number: JD0140028991.",
        "de": "Ihr [Paket|Sendung] konnte nicht zugestellt werden, da die [Zollgebühr|Versandgebühr] "
        "von 1,99 EUR noch offen ist. Bitte [bestätigen Sie Ihre Adresse|vereinbaren Sie einen "
        "neuen Termin] unter https://post-zustellung.info innerhalb von 48 Stunden, sonst geht "
        "das Paket an den Absender zurück. Sendungsnummer: 00340434161.",
        "fr": "Votre [colis|envoi] est en attente : des frais de [douane|port] de 1,99 EUR restent "
        "à régler. [Confirmez votre adresse|Programmez une nouvelle livraison] sur "
        "https://colis-suivi.info sous 48 heures, faute de quoi il sera renvoyé à l'expéditeur.",
        "es": "Su [paquete|envío] no pudo ser entregado porque falta pagar la tasa de "
        "[aduana|envío] de 1,99 EUR. [Confirme su dirección|Programe una nueva entrega] en "
        "https://correos-envio.info en un plazo de 48 horas; de lo contrario, será devuelto "
        "al remitente.",
        "it": "Il tuo [pacco|collo] è in giacenza: risulta non pagata la tassa di "
        "[sdoganamento|spedizione] di 1,99 EUR. [Conferma il tuo indirizzo|Programma una nuova "
        "consegna] su https://poste-consegna.info entro 48 ore, altrimenti sarà restituito al "
        "mittente.",
        "pt": "A sua [encomenda|remessa] está retida porque a taxa [alfandegária|de envio] de "
        "R$ 9,90 não foi paga. [Confirme o seu endereço|Agende uma nova entrega] em "
        "https://correios-rastreio.info em até 48 horas, caso contrário ela será devolvida ao "
        "remetente.",
        "ja": "お客様の[お荷物|小包]は[関税|配送料]200円が未払いのため保管中です。48時間以内に "
        "https://sagawa-saihaitatsu.info で[住所を確認|再配達を依頼]してください。期限を過ぎると"
        "差出人に返送されます。",
        "zh-Hans": "您的[包裹|快件]因未支付[关税|运费]9.9元暂存于仓库。请在48小时内访问 "
        "https://sf-redelivery.info [确认地址|预约重新派送]，逾期将退回寄件人。运单号：SF1402889。",
        "zh-Hant": "您的[包裹|郵件]因未繳[關稅|運費]30元暫存於倉庫。請於48小時內前往 "
        "https://post-redeliver.info [確認地址|重新預約投遞]，逾期將退回寄件人。",
    },
    "hp:toll": {
        "en": "[Final notice|Toll reminder]: our cameras recorded your vehicle on the I-95 express "
        "lane without a valid pass. An unpaid toll of $6.80 is due. Pay at https://ezpass-"
        "billing.info before the deadline to avoid a $50 late fee and [suspension of your "
        "registration|referral to collections].",
        "de": "[Letzte Mahnung|Zahlungserinnerung]: Ihr Fahrzeug wurde am 12.03. von einer "
        "Mautkamera aufgenommen. Die offene Maut von 12,40 EUR ist bis Freitag zu zahlen unter "
        "https://maut-zahlung.info, sonst wird ein Bußgeld von 80 EUR fällig.",
        "fr": "[Avis de contravention|Dernier rappel] : votre véhicule a été enregistré par un "
        "radar automatique. Une amende de 35 EUR doit être réglée sur https://antai-paiement.info "
        "avant la date limite, sinon elle sera majorée à 75 EUR.",
        "es": "[Aviso de multa|Último aviso]: su vehículo fue captado por un radar de tráfico. "
        "Debe pagar la sanción de 50 EUR en https://dgt-multas.info antes de la fecha límite; "
        "de lo contrario, el importe se duplicará.",
        "it": "[Avviso di contravvenzione|Ultimo sollecito]: il suo veicolo è stato registrato "
        "dall'autovelox. Paghi la multa di 42 EUR su https://multe-pagamento.info entro 5 giorni "
        "per evitare la maggiorazione.",
        "pt": "[Aviso de infração|Última notificação]: o seu veículo foi registado pela câmara "
        "de portagem sem pagamento. Regularize 8,20 EUR em https://portagens-pagamento.info até "
        "ao prazo indicado, caso contrário será aplicada uma coima de 50 EUR.",
        "ja": "[最終通知|ETC未払いのお知らせ]：お客様の車両は料金所のカメラで記録されました。未払い"
        "の通行料金1,320円を3日以内に https://etc-meisai.info でお支払いください。期限を過ぎると"
        "延滞金が加算されます。",
        "zh-Hans": "[违章通知|最后提醒]：您的车辆于3月12日被电子警察摄像头抓拍超速。请在3日内通过 "
        "https://122-jiaotong.info 缴纳罚款200元，逾期将加收滞纳金。",
        "zh-Hant": "[交通罰單通知|最後提醒]：您的車輛被測速照相拍到超速。請於3日內至 "
        "https://mvdis-pay.info 繳納罰鍰1,800元，逾期將加計滯納金。",
    },
    "hp:lottery": {
        "en": "Congratulations! Your email address was selected in the [International|Euro] "
        "[Lottery|Prize Draw] and you have won $850,000. To release your winnings, pay the "
        "processing fee of $250 and reply with your full name and phone number. Claim before "
        "the deadline or the prize goes to the next winner.",
        "de": "Herzlichen Glückwunsch! Ihre E-Mail-Adresse wurde bei der [Euro-Lotterie|großen "
        "Verlosung] gezogen: Sie haben 500.000 EUR gewonnen. Zahlen Sie die Bearbeitungsgebühr "
        "von 199 EUR und senden Sie uns Ihre Daten, um den Gewinn freizugeben.",
        "fr": "Félicitations ! Votre adresse a été tirée au sort à la [Loterie européenne|grande "
        "tombola] : vous avez gagné 750 000 EUR. Réglez les frais de dossier de 150 EUR et "
        "envoyez vos coordonnées pour recevoir votre gain.",
        "es": "¡Enhorabuena! Su correo fue premiado en el [Sorteo Internacional|Gran Sorteo] con "
        "600.000 EUR. Para liberar el premio, abone la tasa de gestión de 180 EUR y responda "
        "con sus datos antes de la fecha límite.",
        "it": "Congratulazioni! Il suo indirizzo è stato estratto nella [Lotteria "
        "Internazionale|Grande Estrazione]: ha vinto 700.000 EUR. Per sbloccare la vincita "
        "versi la commissione di 160 EUR e ci invii i suoi dati.",
        "pt": "Parabéns! O seu e-mail foi sorteado na [Lotaria Internacional|Grande Promoção] e "
        "ganhou 500.000 EUR. Para liberar o prêmio, pague a taxa de processamento de 120 EUR "
        "e responda com os seus dados.",
        "ja": "おめでとうございます！お客様のメールアドレスが[国際宝くじ|特別抽選]で当選し、"
        "1,000万円を獲得されました。賞金を受け取るには手数料2万円をお支払いのうえ、お名前と"
        "電話番号をご返信ください。",
        "zh-Hans": "恭喜！您的邮箱在[国际彩票|幸运大抽奖]中被抽中，获得奖金50万元。请先支付手续费"
        "800元并回复您的姓名和电话，以便发放奖金。",
        "zh-Hant": "恭喜！您的電子郵件在[國際彩券|幸運大抽獎]中獎，獲得獎金200萬元。請先支付"
        "手續費3,000元並回覆您的姓名與電話，以便撥款。",
    },
    "hp:invest": {
        "en": "[Turn $250 into $12,000|Double your Bitcoin] in 30 days with our AI trading bot. "
        "Thousands of members already earn daily profits. Deposit to " + _W + " and your "
        "account manager will call you. [Limited places|Offer ends Friday].",
        "de": "Mit unserem KI-Handelsroboter [aus 250 EUR 10.000 EUR machen|Ihr Bitcoin "
        "verdoppeln]. Tausende Mitglieder verdienen täglich. Einzahlung an " + _W + ", Ihr "
        "persönlicher Berater ruft Sie an. Nur noch wenige Plätze frei.",
        "fr": "[Transformez 250 EUR en 10 000 EUR|Doublez vos Bitcoins] en 30 jours grâce à "
        "notre robot de trading. Déposez sur " + _W + " et votre conseiller vous appellera. "
        "Places limitées.",
        "es": "[Convierta 250 EUR en 10.000 EUR|Duplique sus Bitcoin] en 30 días con nuestro "
        "robot de inversión. Deposite en " + _W + " y su asesor personal le llamará. Plazas "
        "limitadas.",
        "it": "[Trasforma 250 EUR in 10.000 EUR|Raddoppia i tuoi Bitcoin] in 30 giorni con il "
        "nostro robot di trading. Deposita su " + _W + " e il tuo consulente ti chiamerà. "
        "Posti limitati.",
        "pt": "[Transforme R$ 1.000 em R$ 50.000|Duplique os seus Bitcoins] em 30 dias com o "
        "nosso robô de investimentos. Deposite em " + _W + " e o seu gerente vai ligar para "
        "você. Vagas limitadas.",
        "ja": "AI自動売買で[3万円が100万円に|ビットコインが2倍に]。すでに数千人が毎日利益を"
        "得ています。" + _W + " に入金すると担当者からご連絡します。募集は今週末まで。",
        "zh-Hans": "AI量化交易[30天让1000元变5万元|让您的比特币翻倍]，数千会员每天稳定收益。"
        "请充值到 " + _W + " ，专属顾问将联系您。名额有限。",
        "zh-Hant": "AI量化交易[30天讓1萬元變30萬元|讓您的比特幣翻倍]，數千會員每天穩定獲利。"
        "請入金至 " + _W + " ，專屬顧問將與您聯繫。名額有限。",
    },
    "hp:account_alert": {
        "en": "Security alert: we recorded a sign-in to your account from a new device in "
        "[Lagos|Jakarta]. If this was not you, your mailbox will be suspended within 24 hours. "
        "[Verify your identity|Secure your account] now at https://account-verify.info. Do not "
        "ignore this message.",
        "de": "Sicherheitswarnung: Wir haben eine Anmeldung bei Ihrem Konto von einem neuen "
        "Gerät in [Lagos|Jakarta] registriert. Waren Sie das nicht, wird Ihr Postfach in 24 "
        "Stunden gesperrt. Bestätigen Sie jetzt Ihre Identität unter https://konto-pruefen.info.",
        "fr": "Alerte de sécurité : une connexion à votre compte depuis un nouvel appareil a été "
        "enregistrée à [Lagos|Jakarta]. Si ce n'était pas vous, votre messagerie sera suspendue "
        "sous 24 heures. Vérifiez votre identité sur https://compte-verifier.info.",
        "es": "Alerta de seguridad: registramos un inicio de sesión en su cuenta desde un nuevo "
        "dispositivo en [Lagos|Yakarta]. Si no fue usted, su buzón será suspendido en 24 horas. "
        "Verifique su identidad en https://cuenta-verificar.info.",
        "it": "Avviso di sicurezza: abbiamo registrato un accesso al suo account da un nuovo "
        "dispositivo a [Lagos|Giacarta]. Se non è stato lei, la casella sarà sospesa entro 24 "
        "ore. Verifichi la sua identità su https://account-verifica.info.",
        "pt": "Alerta de segurança: registamos um acesso à sua conta a partir de um novo "
        "dispositivo em [Lagos|Jacarta]. Se não foi você, a sua caixa de correio será suspensa "
        "em 24 horas. Verifique a sua identidade em https://conta-verificar.info.",
        "ja": "セキュリティ警告：[ラゴス|ジャカルタ]の新しい端末からお客様のアカウントへのログインを"
        "記録しました。お心当たりがない場合、24時間以内にメールボックスを停止します。今すぐ "
        "https://account-kakunin.info で本人確認を行ってください。",
        "zh-Hans": "安全警报：我们记录到您的账户在[拉各斯|雅加达]的新设备上登录。如果不是您本人，"
        "邮箱将在24小时内被停用。请立即访问 https://account-verify.info 验证身份。",
        "zh-Hant": "安全警示：我們記錄到您的帳戶在[拉哥斯|雅加達]的新裝置上登入。若非本人操作，"
        "信箱將於24小時內停用。請立即至 https://account-verify.info 驗證身分。",
    },
    "hp:bank": {
        "en": "Dear customer, [unusual activity|a suspicious payment] was detected on your "
        "[card|online banking]. Your access has been temporarily limited. To restore it, confirm "
        "your details at https://secure-bank-login.info within 24 hours; otherwise your account "
        "will be closed.",
        "de": "Sehr geehrter Kunde, auf Ihrem [Konto|Online-Banking] wurden ungewöhnliche "
        "Aktivitäten festgestellt. Ihr Zugang wurde vorübergehend eingeschränkt. Bestätigen Sie "
        "Ihre Daten innerhalb von 24 Stunden unter https://sparkasse-sicher.info, sonst wird Ihr "
        "Konto gesperrt.",
        "fr": "Cher client, une activité inhabituelle a été détectée sur votre [carte|espace "
        "bancaire]. Votre accès est limité. Confirmez vos informations sur "
        "https://banque-securite.info sous 24 heures, sinon votre compte sera clôturé.",
        "es": "Estimado cliente, detectamos actividad inusual en su [tarjeta|banca online]. Su "
        "acceso ha sido limitado. Confirme sus datos en https://banco-seguro.info en 24 horas; "
        "de lo contrario, su cuenta será bloqueada.",
        "it": "Gentile cliente, abbiamo rilevato un'attività insolita sulla sua [carta|home "
        "banking]. L'accesso è stato limitato. Confermi i suoi dati su https://banca-sicura.info "
        "entro 24 ore, altrimenti il conto verrà bloccato.",
        "pt": "Prezado cliente, detectamos uma movimentação suspeita no seu [cartão|internet "
        "banking]. O seu acesso foi bloqueado temporariamente. Atualize os seus dados em "
        "https://banco-seguranca.info em até 24 horas, caso contrário a sua conta será "
        "encerrada.",
        "ja": "お客様の[カード|インターネットバンキング]で不審な取引が検出されたため、ご利用を一時"
        "制限しました。24時間以内に https://bank-kakunin.info でお客様情報をご確認ください。"
        "確認がない場合、口座は凍結されます。",
        "zh-Hans": "尊敬的客户，您的[银行卡|网上银行]出现异常交易，已被临时限制使用。请在24小时内"
        "访问 https://bank-secure.info 核实信息，否则账户将被冻结。",
        "zh-Hant": "親愛的客戶，您的[信用卡|網路銀行]出現異常交易，已暫時限制使用。請於24小時內"
        "至 https://bank-secure.info 核對資料，否則帳戶將被凍結。",
    },
    "hp:diet": {
        "en": "[Lose 12 kg in 4 weeks|Melt belly fat fast] without diet or gym! Doctors are "
        "[shocked|furious] by this natural capsule. Order today and pay only $39 per bottle; "
        "the discount ends at midnight. https://keto-slim.info",
        "de": "[12 Kilo in 4 Wochen abnehmen|Bauchfett schmilzt] ohne Diät und ohne Sport! Ärzte "
        "sind sprachlos über diese natürliche Kapsel. Jetzt bestellen und nur 39 EUR pro "
        "Packung zahlen, das Angebot endet um Mitternacht. https://schlank-kapsel.info",
        "fr": "[Perdez 12 kg en 4 semaines|Brûlez la graisse du ventre] sans régime ni sport ! "
        "Les médecins n'en reviennent pas. Commandez aujourd'hui et payez seulement 39 EUR la "
        "boîte, offre valable jusqu'à minuit. https://minceur-gelule.info",
        "es": "¡[Pierda 12 kilos en 4 semanas|Queme la grasa abdominal] sin dieta ni gimnasio! "
        "Los médicos están sorprendidos. Pida hoy y pague solo 39 EUR por frasco; la oferta "
        "termina a medianoche. https://adelgazar-capsula.info",
        "it": "[Perdi 12 kg in 4 settimane|Brucia il grasso addominale] senza dieta né palestra! "
        "I medici sono sbalorditi. Ordina oggi e paghi solo 39 EUR a confezione, offerta "
        "valida fino a mezzanotte. https://dimagrire-capsule.info",
        "pt": "[Perca 12 kg em 4 semanas|Elimine a gordura da barriga] sem dieta nem academia! "
        "Os médicos estão chocados. Peça hoje e pague apenas R$ 197 por frasco; a promoção "
        "acaba à meia-noite. https://emagrecer-capsula.info",
        "ja": "食事制限も運動もなしで[4週間で12キロ減|お腹の脂肪が消える]！医師も驚く天然カプセル。"
        "本日ご注文なら1箱たったの3,980円、特価は今夜0時まで。https://yaseru-capsule.info",
        "zh-Hans": "不节食不运动，[4周瘦12公斤|轻松甩掉小肚子]！医生都惊讶的天然胶囊。今天下单每盒"
        "只要199元，优惠今晚12点截止。https://shoushen.info",
        "zh-Hant": "不節食不運動，[4週瘦12公斤|輕鬆甩掉小腹]！醫生都驚訝的天然膠囊。今天訂購每盒"
        "只要990元，優惠今晚12點截止。https://shoushen.info",
    },
    "hp:recovery": {
        "en": "Lost money to a crypto scam? Our [certified|licensed] recovery agents traced "
        "funds for over 3,000 victims. We can recover your Bitcoin within 14 days. Pay the "
        "$300 tracing fee to " + _W + " and send us the scammer's wallet and your "
        "transaction records.",
        "de": "Geld an Krypto-Betrüger verloren? Unsere zertifizierten Ermittler holen Ihre "
        "Bitcoins in 14 Tagen zurück. Zahlen Sie die Bearbeitungsgebühr von 300 EUR an "
        + _W
        + " und senden Sie uns die Transaktionsbelege.",
        "fr": "Victime d'une arnaque aux cryptos ? Nos experts [certifiés|agréés] récupèrent vos "
        "Bitcoins en 14 jours. Réglez les frais d'enquête de 300 EUR sur " + _W + " et "
        "envoyez-nous vos relevés de transaction.",
        "es": "¿Perdió dinero en una estafa cripto? Nuestros agentes [certificados|autorizados] "
        "recuperan sus Bitcoin en 14 días. Abone la tarifa de rastreo de 300 EUR a "
        + _W
        + " y envíenos sus comprobantes.",
        "it": "Hai perso denaro in una truffa crypto? I nostri esperti [certificati|autorizzati] "
        "recuperano i tuoi Bitcoin in 14 giorni. Versa la commissione di 300 EUR su "
        + _W
        + " e inviaci le ricevute delle transazioni.",
        "pt": "Perdeu dinheiro num golpe de criptomoedas? Os nossos agentes [certificados|"
        "credenciados] recuperam os seus Bitcoins em 14 dias. Pague a taxa de rastreamento de "
        "R$ 1.500 para " + _W + " e envie-nos os comprovativos.",
        "ja": "暗号資産詐欺で損をしましたか？[認定|公認]調査員が14日以内にビットコインを取り戻します。"
        "調査手数料3万円を " + _W + " にお支払いのうえ、取引記録をお送りください。",
        "zh-Hans": "被币圈骗了钱？我们的[认证|持牌]追款团队14天内帮您追回比特币。请将追查费2000元"
        "转入 " + _W + " ，并发送交易记录给我们。",
        "zh-Hant": "被加密貨幣詐騙了嗎？我們的[認證|合法]追款團隊14天內幫您追回比特幣。請將調查費"
        "8,000元轉入 " + _W + " ，並寄送交易紀錄給我們。",
    },
    "hp:webcam_alert": {
        "en": "[WARNING|Virus alert]: 5 threats found on your device. Hackers may have accessed "
        "your webcam and recorded your activity. Your personal photos are at risk. Renew your "
        "[antivirus|protection] now for $39.99 before your licence expires today: "
        "https://norton-renew.info",
        "de": "[WARNUNG|Virenalarm]: 5 Bedrohungen auf Ihrem Gerät gefunden. Hacker könnten auf "
        "Ihre Webcam zugegriffen und Sie aufgenommen haben. Ihre privaten Fotos sind in Gefahr. "
        "Verlängern Sie Ihren Virenschutz jetzt für 39,99 EUR: https://virenschutz-jetzt.info",
        "fr": "[ALERTE|Alerte virus] : 5 menaces détectées sur votre appareil. Des pirates ont "
        "peut-être accédé à votre webcam et enregistré votre activité. Vos photos privées sont "
        "en danger. Renouvelez votre antivirus pour 39,99 EUR aujourd'hui : "
        "https://antivirus-renouveler.info",
        "es": "[ADVERTENCIA|Alerta de virus]: 5 amenazas en su dispositivo. Los hackers podrían "
        "haber accedido a su cámara web y grabado su actividad. Sus fotos privadas están en "
        "peligro. Renueve su antivirus hoy por 39,99 EUR: https://antivirus-renovar.info",
        "it": "[ATTENZIONE|Allarme virus]: 5 minacce sul tuo dispositivo. Gli hacker potrebbero "
        "aver avuto accesso alla tua webcam e registrato la tua attività. Le tue foto private "
        "sono a rischio. Rinnova l'antivirus oggi a 39,99 EUR: https://antivirus-rinnova.info",
        "pt": "[AVISO|Alerta de vírus]: 5 ameaças encontradas no seu dispositivo. Hackers podem "
        "ter acessado a sua webcam e gravado a sua atividade. As suas fotos íntimas estão em "
        "risco. Renove o seu antivírus hoje por R$ 99,90: https://antivirus-renovar.info",
        "ja": "[警告|ウイルス検出]：お使いの端末で5件の脅威が見つかりました。ハッカーがウェブカメラに"
        "アクセスし、操作を録画した可能性があります。個人の写真が危険です。本日中に4,980円で"
        "ウイルス対策を更新してください：https://antivirus-koushin.info",
        "zh-Hans": "[警告|病毒警报]：您的设备发现5个威胁。黑客可能已入侵您的摄像头并录下您的活动，"
        "您的私人照片面临风险。请今天以99元续费杀毒软件：https://antivirus-renew.info",
        "zh-Hant": "[警告|病毒警報]：您的裝置發現5個威脅。駭客可能已入侵您的網路攝影機並錄下您的"
        "活動，您的私人照片有危險。請今天以390元續訂防毒軟體：https://antivirus-renew.info",
    },
    "hp:dating": {
        "en": "Hi handsome, I saw your profile and [couldn't stop thinking about you|I think we "
        "have a lot in common]. I'm Anna, 27, new in town. I shared some private photos for you "
        "on my page, you only need to register for free: https://anna-dates.info. Don't keep me "
        "waiting ;)",
        "de": "Hallo, ich habe dein Profil gesehen und [muss ständig an dich denken|glaube, wir "
        "passen gut zusammen]. Ich bin Anna, 27, neu in der Stadt. Private Fotos für dich auf "
        "meiner Seite, kostenlos anmelden: https://anna-treffen.info. Lass mich nicht warten ;)",
        "fr": "Coucou, j'ai vu ton profil et [je pense à toi sans arrêt|je crois qu'on a beaucoup "
        "en commun]. Je m'appelle Anna, 27 ans. J'ai mis des photos privées pour toi sur ma "
        "page, inscription gratuite : https://anna-rencontre.info. Ne me fais pas attendre ;)",
        "es": "Hola guapo, vi tu perfil y [no dejo de pensar en ti|creo que tenemos mucho en "
        "común]. Soy Anna, 27 años. Subí fotos privadas para ti en mi página, regístrate gratis: "
        "https://anna-citas.info. No me hagas esperar ;)",
        "it": "Ciao bello, ho visto il tuo profilo e [non smetto di pensarti|credo che abbiamo "
        "molto in comune]. Sono Anna, 27 anni. Ho messo foto private per te sulla mia pagina, "
        "iscriviti gratis: https://anna-incontri.info. Non farmi aspettare ;)",
        "pt": "Oi lindo, vi o seu perfil e [não paro de pensar em você|acho que temos muito em "
        "comum]. Sou a Anna, 27 anos. Coloquei fotos íntimas para você na minha página, "
        "cadastre-se grátis: https://anna-encontros.info. Não me deixe esperando ;)",
        "ja": "こんにちは、プロフィールを見て[ずっとあなたのことを考えています|気が合いそうだと"
        "思いました]。アンナ、27歳です。あなただけにプライベート写真を載せました。無料登録はこちら："
        "https://anna-deai.info 待ってるね。",
        "zh-Hans": "你好帅哥，看到你的资料[一直忘不了你|觉得我们很合得来]。我是安娜，27岁。"
        "我在主页放了私密照片给你，免费注册就能看：https://anna-date.info 别让我等太久哦。",
        "zh-Hant": "嗨帥哥，看到你的資料[一直想著你|覺得我們很合得來]。我是安娜，27歲。"
        "我在主頁放了私密照片給你，免費註冊就能看：https://anna-date.info 別讓我等太久喔。",
    },
}

# Sentences lifted from elsewhere (novels, news, manuals), the way hash-busting filler is:
# ordinary prose that happens to hold cue words (recorded, paid, deadline, family, video,
# publish, intimate), none of it said to the reader.
FILLER: dict[str, tuple[str, ...]] = {
    "en": (
        "The band recorded their second album in a barn outside Nashville.",
        "Her grandfather paid for the whole trip with money he had saved for years.",
        "The council missed the deadline for the bridge repairs again.",
        "His family had farmed the valley for four generations.",
        "The video of the launch was watched millions of times.",
        "The newspaper will publish the results of the survey next week.",
        "They kept their intimate correspondence hidden in a tin box.",
        "Within 48 hours the storm had moved out to sea.",
    ),
    "de": (
        "Die Band hat ihr zweites Album in einer alten Scheune aufgenommen.",
        "Der Großvater bezahlte die ganze Reise mit seinen Ersparnissen.",
        "Die Frist für die Brückensanierung wurde erneut verpasst.",
        "Seine Familie bewirtschaftete das Tal seit vier Generationen.",
        "Das Video vom Start wurde millionenfach angesehen.",
        "Die Zeitung wird die Ergebnisse der Umfrage nächste Woche veröffentlichen.",
        "Ihre intimen Briefe lagen versteckt in einer Blechdose.",
        "Innerhalb von 48 Stunden zog der Sturm aufs Meer hinaus.",
    ),
    "fr": (
        "Le groupe a enregistré son deuxième album dans une grange.",
        "Son grand-père a payé tout le voyage avec ses économies.",
        "La mairie a encore manqué la date limite pour les travaux du pont.",
        "Sa famille cultivait la vallée depuis quatre générations.",
        "La vidéo du lancement a été vue des millions de fois.",
        "Le journal publiera les résultats de l'enquête la semaine prochaine.",
        "Leur correspondance intime dormait dans une boîte en fer.",
        "En 48 heures, la tempête s'était éloignée vers le large.",
    ),
    "es": (
        "La banda grabó su segundo disco en un granero a las afueras.",
        "Su abuelo pagó todo el viaje con lo que había ahorrado.",
        "El ayuntamiento volvió a incumplir el plazo de las obras del puente.",
        "Su familia cultivaba el valle desde hacía cuatro generaciones.",
        "El vídeo del lanzamiento fue visto millones de veces.",
        "El periódico publicará los resultados de la encuesta la próxima semana.",
        "Guardaban su correspondencia íntima en una caja de lata.",
        "En 48 horas la tormenta se había alejado mar adentro.",
    ),
    "it": (
        "La band ha registrato il secondo album in un vecchio fienile.",
        "Il nonno pagò l'intero viaggio con i risparmi di una vita.",
        "Il comune ha mancato di nuovo la scadenza per i lavori del ponte.",
        "La sua famiglia coltivava la valle da quattro generazioni.",
        "Il video del lancio è stato visto milioni di volte.",
        "Il giornale pubblicherà i risultati del sondaggio la prossima settimana.",
        "Tenevano la loro corrispondenza intima in una scatola di latta.",
        "In 48 ore la tempesta si era spostata al largo.",
    ),
    "pt": (
        "A banda gravou o segundo disco num celeiro fora da cidade.",
        "O avô pagou a viagem inteira com as economias de uma vida.",
        "A prefeitura perdeu de novo o prazo das obras da ponte.",
        "A família dele cultivava o vale havia quatro gerações.",
        "O vídeo do lançamento foi visto milhões de vezes.",
        "O jornal vai publicar os resultados da pesquisa na próxima semana.",
        "Guardavam as cartas íntimas numa caixa de lata.",
        "Em 48 horas a tempestade já tinha seguido para o mar.",
    ),
    "ja": (
        "そのバンドは郊外の納屋で二枚目のアルバムを録音した。",
        "祖父は長年の貯金で旅行の費用をすべて支払った。",
        "市は橋の補修工事の期限をまた守れなかった。",
        "彼の家族は四代にわたってその谷で農業を営んできた。",
        "打ち上げの動画は何百万回も再生された。",
        "新聞社は来週、調査の結果を公開する予定だ。",
        "二人は親密な手紙をブリキの箱に隠していた。",
        "48時間のうちに嵐は沖へ去っていった。",
    ),
    "zh-Hans": (
        "乐队在郊外的一座谷仓里录制了第二张专辑。",
        "爷爷用多年的积蓄支付了整个旅行的费用。",
        "市政府又一次错过了修桥工程的截止日期。",
        "他的家人四代都在这片山谷里种地。",
        "发射的视频被观看了数百万次。",
        "报社将在下周公开调查的结果。",
        "他们把私密的信件藏在一个铁盒里。",
        "48小时内，风暴已经移向了海上。",
    ),
    "zh-Hant": (
        "樂團在郊外的一座穀倉裡錄製了第二張專輯。",
        "爺爺用多年的積蓄支付了整趟旅行的費用。",
        "市政府又一次錯過了修橋工程的截止日期。",
        "他的家人四代都在這片山谷裡耕作。",
        "發射的影片被觀看了數百萬次。",
        "報社將在下週公開調查的結果。",
        "他們把私密的信件藏在一個鐵盒裡。",
        "48小時內，風暴已經移向了海上。",
    ),
}


def honeypot_style_part(row: dict[str, Any]) -> str:
    """The half the row's family is on: "tuning" or "held-out"."""
    return FAMILIES[str(row["family"])][0]


def honeypot_style_rows() -> list[dict[str, Any]]:
    """One row per family, language and padding (10 x 9 x 4 = 360), deterministic."""
    rows: list[dict[str, Any]] = []
    for family in sorted(LETTERS):
        for lang in sorted(LETTERS[family]):
            rng = random.Random(f"{SEED}:{family}:{lang}")
            for padding in PADDINGS:
                letter = spin(LETTERS[family][lang], rng)
                body = _padded(letter, FILLER[lang], padding, rng, lang in _CJK_LANGUAGES)
                rows.append(
                    {
                        "id": f"hp-{lang}-{family[3:]}-{padding}",
                        "language": lang,
                        "label": 0,
                        "family": family,
                        "kin": FAMILIES[family][1],
                        "kind": padding,
                        "subject": "",
                        "text": body,
                        "wallets": [_W] if _W in body else [],
                        "recipient_name": None,
                    }
                )
    return rows


def _padded(
    letter: str, filler: tuple[str, ...], padding: str, rng: random.Random, cjk: bool
) -> str:
    sentences = list(filler)
    rng.shuffle(sentences)
    sep = "" if cjk else " "
    block = sep.join(sentences[: rng.randint(4, len(sentences))])
    if padding == "plain":
        return letter
    if padding == "sentences":
        return f"{letter}\n\n{block}"
    if padding == "hidden-html":
        html = (
            f"<html><body><p>{escape(letter)}</p>"
            f'<div style="display:none">{escape(block)}</div>'
            f'<p><span style="font-size:1px;color:#ffffff">{escape(block)}</span></p>'
            "</body></html>"
        )
        return visible_text("", html)[0]
    # scattered: the letter's sentences and the filler's, interleaved in one paragraph
    ends = r"(?<=[。！？])" if cjk else r"(?<=[.!?])\s+"
    own = [s for s in re.split(ends, letter) if s.strip()]
    mixed: list[str] = []
    for i, sentence in enumerate(own):
        mixed.append(sentence)
        if i < len(sentences):
            mixed.append(sentences[i])
    return sep.join(mixed)
