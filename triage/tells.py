"""Benign tells: what phishing and spam ask of the reader and extortion never does (pure).

Phishing, parcel, lottery, investment and diet spam ask for money in extortion's words
(pay, transfer, a deadline, a wallet), but they want something extortion does not: the
reader to log in or verify an account, follow a link to track a parcel or claim a prize,
order a product, earn a return. An extortionist wants the money and the silence, nothing
else; "verify your account" or "20% off" in a letter is evidence it is not extortion. The
combiner weighs a tell against the rest (it is fitted on families held out whole), so a
tell lowers a verdict and never decides one alone.

Mail *about* an extortion attempt carries the threat, the amount and the wallet too: a
constituent retelling the letter they got and asking what to do, a police advisory, a
news report, the helpdesk's answer. It quotes the demand but does not make it: the demand
is retold (reported speech, past tense, third person: "he demanded", "the email claimed",
"I received a message"), or said to be a scam, or followed by what the writer did about
it ("we did not pay", "should I report it?"). Those retellings are found apart from the
tells above (group "retold"): they count even beside a threat, because a retelling always
has one, but only in the passage where the demand stands, so a real letter is not excused
by a news story pasted under it. An extortionist speaks in the first and second person
and in the present or future; none of these phrases is his.

Patterns run on the judging skeleton (lower case, accents folded, see cues.py). Written
from the kinds of mail named above, in the languages of the cue lists.
"""

# ruff: noqa: E501  (a pattern reads best whole on one line)

from __future__ import annotations

import re

from triage.cues import Cue

_EVIDENCE_CHARS = 80
_MAX_TELLS = 3  # enough to say why; a newsletter can hold hundreds

# A link whose path or host asks for a login, a verification, a parcel or an order.
_LINK = r"(?:https?://|www\.)\S*?(?:login|log-in|signin|sign-in|verif|secure|account|konto|conta|cuenta|compte|track|parcel|paket|order|bestell|pedido|commande|ordine|claim|prize|bonus|unsubscribe|abmelden|desinscri|cancelar)"

# An offer that ends is a shop's ("the offer", "our offer"); "my offer" is the
# extortionist's name for his demand ("Mi oferta vence en 48 horas"). Grammar, no figure.
_PATTERNS: tuple[str, ...] = (
    _LINK,
    # en
    r"\b(?:verify|confirm|update|validate|reactivate|unlock|restore)\s+(?:your\s+)?(?:account|identity|details|information|card|login|password|payment (?:details|information)|billing)\b",
    r"\b(?:log ?in|sign ?in)\s+(?:to your account|here|now|at)\b",
    r"\b(?:track|reschedule|redeliver\w*)\s+(?:your\s+)?(?:parcel|package|shipment|delivery|order)\b",
    r"\b(?:parcel|package|shipment)\b[^.\n]{0,60}?\b(?:delivery|delivered|customs|depot|courier)\b",
    r"\b(?:claim|collect|release)\s+(?:your\s+)?(?:prize|winnings|reward|funds|bonus|refund)\b",
    r"\b(?:you have won|you(?:'ve| have) been selected|lucky winner|prize draw|lottery|sweepstakes|jackpot)\b",
    r"\b(?:earn|make)\s+(?:up to\s+|over\s+)?[^.\n]{0,24}?\b(?:a|per|every)\s+(?:day|week|month)\b",
    r"\b(?:returns?|profits?|roi|gains?)\s+(?:of\s+)?\d+\s*%|\d+\s*%\s+(?:returns?|profits?|roi|off|discount)\b",
    r"\b(?:trading (?:bot|platform|signals)|investment (?:plan|opportunity|platform)|passive income|financial freedom)\b",
    r"\b(?:order|buy|shop)\s+(?:now|today)\b|\b(?:limited|special|exclusive)\s+offer\b|(?<!\bmy )\boffer (?:ends|expires)\b|\bfree (?:bottle|trial|shipping|gift)\b",
    r"\bunsubscribe\b|\b(?:click|tap)\s+(?:here|the link|below|on the link)\b",
    # es
    r"\b(?:verifique|verifica|confirme|confirma|actualice|actualiza|valide)\s+(?:su|tu|sus|tus)\s+(?:cuenta|identidad|datos|tarjeta|contrasena|informacion)\b",
    r"\b(?:inicie|inicia) sesion\b|\b(?:haga|haz) clic\b|\bdarse de baja\b|\bcancelar (?:la )?suscripcion\b",
    r"\b(?:su|tu) (?:paquete|envio|pedido)\b[^.\n]{0,60}?\b(?:entrega|aduana|deposito|mensajero|repartidor)\b",
    r"\b(?:reclame|reclama|cobre|cobra)\s+(?:su|tu)\s+(?:premio|ganancias|bono)\b|\b(?:ha ganado|has ganado|ganador|loteria|sorteo)\b",
    r"\b(?:gane|gana|ganar)\s+(?:hasta\s+)?[^.\n]{0,24}?\b(?:al|por|cada)\s+(?:dia|semana|mes)\b|\b(?:rentabilidad|ganancias?|beneficios?)\s+(?:del?\s+)?\d+\s*%|\b\d+\s*%\s+de descuento\b",
    r"\b(?:pida|pide|compre|compra)\s+(?:ya|ahora|hoy)\b|(?<!\bmi )(?<!\bminha )\boferta (?:especial|limitada|termina|valida|vence|caduca|expira)\b|\bbot de trading\b",
    # pt
    r"\b(?:verifique|confirme|atualize|valide|regularize)\s+(?:a\s+)?(?:sua|seus|suas|seu)\s+(?:conta|identidade|dados|cartao|senha|cadastro)\b",
    r"\b(?:faca|acesse) (?:login|o login)\b|\bclique (?:aqui|no link)\b|\bcancelar (?:a )?inscricao\b|\bdescadastr\w+\b",
    r"\b(?:sua|seu) (?:encomenda|pacote|pedido|envio)\b[^.\n]{0,60}?\b(?:entrega|alfandega|deposito|transportadora|correios)\b",
    r"\b(?:resgate|reivindique|receba)\s+(?:o\s+)?(?:seu|sua)\s+(?:premio|bonus|ganhos)\b|\b(?:voce ganhou|ganhador|sorteio|loteria)\b",
    r"\b(?:ganhe|ganhar)\s+(?:ate\s+)?[^.\n]{0,24}?\b(?:por|cada|ao)\s+(?:dia|semana|mes)\b|\b(?:rendimento|retorno|lucros?)\s+(?:de\s+)?\d+\s*%|\b\d+\s*%\s+de desconto\b",
    r"\b(?:peca|compre)\s+(?:ja|agora|hoje)\b|(?<!\bmi )(?<!\bminha )\boferta (?:especial|limitada|termina|valida|vence|expira)\b|\brobo de (?:trading|investimento)\b",
    # de
    r"\b(?:bestatigen|verifizieren|aktualisieren|uberprufen|entsperren)\s+sie\s+(?:ihr|ihre|ihren)\s+(?:konto|identitat|daten|angaben|karte|zugang|passwort)\b|\b(?:ihr|ihre|ihren)\s+(?:konto|identitat|daten|angaben|karte|zugang)\s+(?:zu\s+)?(?:bestatigen|verifizieren|aktualisieren|uberprufen)\b",
    r"\b(?:melden sie sich|loggen sie sich) (?:an|ein)\b|\bklicken sie (?:hier|auf den link)\b|\b(?:newsletter )?abbestellen\b",
    r"\b(?:ihr|ihre) (?:paket|sendung|lieferung|bestellung)\b[^.\n]{0,60}?\b(?:zustellung|zoll|depot|kurier|zugestellt)\b",
    r"\b(?:fordern sie|holen sie sich)\s+(?:ihren|ihr)\s+(?:gewinn|preis|bonus)\b|\b(?:sie haben gewonnen|gewinner|gewinnspiel|lotterie|verlosung)\b",
    r"\b(?:verdienen sie|verdienen)\s+(?:bis zu\s+)?[^.\n]{0,24}?\b(?:pro|jede[nm]?|im)\s+(?:tag|woche|monat)\b|\b(?:rendite|gewinne?)\s+(?:von\s+)?\d+\s*%|\b\d+\s*%\s+rabatt\b",
    r"\b(?:jetzt|heute)\s+(?:bestellen|kaufen)\b|\b(?:sonderangebot|(?<!\bmein )angebot endet|(?<!\bmein )angebot gilt|gratis-flasche|gratisflasche)\b|\btrading-?bot\b",
    # fr
    r"\b(?:verifiez|confirmez|mettez a jour|validez|debloquez)\s+(?:votre|vos)\s+(?:compte|identite|donnees|informations|carte|coordonnees|mot de passe)\b",
    r"\b(?:connectez-vous|identifiez-vous)\b|\bcliquez (?:ici|sur le lien)\b|\b(?:se )?desinscrire\b|\bdesabonner\b",
    r"\b(?:votre) (?:colis|envoi|commande|livraison)\b[^.\n]{0,60}?\b(?:livraison|douane|depot|livreur|transporteur)\b",
    r"\b(?:reclamez|recuperez|encaissez)\s+(?:votre|vos)\s+(?:prix|gains|lot|bonus)\b|\b(?:vous avez gagne|gagnant|loterie|tirage au sort)\b",
    r"\b(?:gagnez|gagner)\s+(?:jusqu'a\s+)?[^.\n]{0,24}?\b(?:par|chaque)\s+(?:jour|semaine|mois)\b|\b(?:rendement|profits?|gains?)\s+(?:de\s+)?\d+\s*%|\b\d+\s*%\s+de (?:reduction|remise)\b",
    r"\b(?:commandez|achetez)\s+(?:maintenant|aujourd'hui|des maintenant)\b|(?<!\bmon )\boffre (?:speciale|limitee|se termine|valable|expire|prend fin)\b|\brobot de trading\b",
    # it
    r"\b(?:verifica|verifichi|conferma|confermi|aggiorna|aggiorni|sblocca)\s+(?:il tuo|la tua|il suo|la sua|i tuoi|i suoi)\s+(?:account|conto|identita|dati|carta|password)\b",
    r"\b(?:accedi|effettua l'accesso)\b|\bclicca (?:qui|sul link)\b|\bannulla (?:l')?iscrizione\b|\bdisiscriv\w+\b",
    r"\b(?:il tuo|il suo) (?:pacco|ordine|spedizione)\b[^.\n]{0,60}?\b(?:consegna|dogana|deposito|corriere)\b",
    r"\b(?:riscuoti|richiedi|ritira)\s+(?:il tuo|il suo)\s+(?:premio|bonus|vincita)\b|\b(?:hai vinto|ha vinto|vincitore|lotteria|estrazione)\b",
    r"\b(?:guadagna|guadagnare)\s+(?:fino a\s+)?[^.\n]{0,24}?\b(?:al|a|ogni)\s+(?:giorno|settimana|mese)\b|\b(?:rendimento|profitt[oi]|guadagn[oi])\s+(?:del\s+)?\d+\s*%|\b\d+\s*%\s+di sconto\b",
    r"\b(?:ordina|compra)\s+(?:ora|oggi|subito)\b|(?<!\bmia )\bofferta (?:speciale|limitata|scade|valida|termina)\b|\bbot di trading\b",
    # ja
    r"(?:アカウント|口座|本人|カード|お客様情報|ログイン情報)(?:の)?(?:確認|認証|更新|再開)|ログインして|こちらをクリック|配信停止",
    r"(?:荷物|お届け物|小包|配達物)(?:の)?(?:再配達|配達|お届け|税関|保管)",
    r"(?:当選|賞金|懸賞|宝くじ|抽選)",
    r"(?:月|週|日)(?:に|で)?[^。\n]{0,10}?(?:稼|利益)|(?:利回り|リターン|配当)\s*\d+\s*%|\d+\s*%\s*(?:オフ|割引)|(?:今すぐ|本日)(?:注文|購入)|(?:限定|特別)(?:オファー|価格)|自動売買",
    # zh (simplified and traditional)
    r"(?:验证|驗證|确认|確認|更新)(?:您的|你的)?(?:账户|賬戶|帐户|帳戶|身份|资料|資料|银行卡|銀行卡)|(?:点击|點擊)(?:此处|此處|这里|這裡|链接|鏈接|連結)|退订|退訂",
    r"(?:包裹|快递|快遞|邮件|郵件)(?:的)?(?:派送|配送|清关|清關|投递|投遞)",
    r"(?:中奖|中獎|奖金|獎金|彩票|抽奖|抽獎)",
    r"(?:每天|每周|每週|每月)(?:赚|賺|收益)|(?:回报|回報|收益|利润|利潤)(?:率)?\s*\d+\s*%|(?:立即|马上|馬上)(?:订购|訂購|购买|購買)|(?:限时|限時)(?:优惠|優惠)|(?:交易机器人|交易機器人)",
)
# A sum with its currency or coin: "I have sent 2 warnings" counts, it pays nothing.
# Digits bounded as in cues._MONEY: unbounded, a run of "1,1,1,..." was rescanned from
# each digit (over a minute for one 50,000-character message).
_SUM = r"\d(?=[\d., ]{0,24}\s?(?:k\b|[$€£]|dollars?|dolares|dollari|euros?|pounds?|reais|usd|eur|gbp|btc|bitcoins?|usdt|eth))"
# Money the writer has already paid or lost ("I transferred the money to the wallet they gave
# me", "ich habe 3.000 Euro überwiesen", "送金しました"): a victim's complaint, not a demand,
# which is imperative or future and never the first person's past. And an offer whose sum
# the reader picks ("send between 0.1 and 5 BTC", "any amount", "ab 250 Euro", "起投"):
# investment and giveaway spam; a demand names its one sum. Grammar of the two kinds of
# mail, in every language of the cue lists; forms an imperative shares (es "envie",
# "pague", pt "envie") are left out.
_MONEY_OBJECT = rf"(?:money|savings|funds|everything|\$|€|£|{_SUM}|btc|bitcoin|usdt|eth|crypto|dinero|ahorros|todo|dinheiro|poupancas|tudo|geld|ersparnisse|alles|argent|economies|tout\b|denaro|risparmi|soldi|tutto)"
# Not the writer's loss: what he paid "for your" password (his purchase, his boast), the
# reader paying in a clause the writer opens ("ich habe ..., sobald Sie bezahlt haben",
# "我保证你付了钱"), time spent ("Zeit investiert"), "送金しましたら" (once you have sent).
# A range of hours is the demand's deadline ("you have between 24 and 48 hours"), not a
# sum the reader picks.
_NOT_HOURS = r"(?![\d.,]{0,24}\s*(?:hours?|hrs?|h\b|days?|horas|dias|heures|jours|ore\b|giorni|stunden|std|tagen?))"
_PAID_OR_OFFERED: tuple[str, ...] = (
    # paid or lost by the writer
    rf"\b(?:i|we)\s+(?:have\s+|had\s+)?(?:transferred|sent|paid|deposited|wired|invested|lost)\s+(?:them\s+|him\s+|(?:my|our|the|all|almost|nearly)\s+)*{_MONEY_OBJECT}(?![^.\n]{{0,40}}?\bfor your\b)",
    rf"\b(?:he|hemos)\s+(?:transferido|enviado|pagado|depositado|invertido|perdido)\s+(?:(?:el|mis|nuestros|casi)\s+)*{_MONEY_OBJECT}|\b(?:transferi|perdi|inverti)\s+(?:(?:el|mis|casi)\s+)*{_MONEY_OBJECT}",
    rf"\b(?:transferi|enviei|paguei|depositei|investi|perdi|transferimos|perdemos)\s+(?:(?:o|as|os|a|minhas|meus|quase)\s+)*{_MONEY_OBJECT}",
    r"\b(?:ich habe|wir haben|habe ich|haben wir)\b(?:(?!\b(?:sie|du)\b)(?:[^.\n]|\.(?=\d))){0,60}?(?<!zeit )(?<!muhe )(?<!arbeit )\b(?:uberwiesen|eingezahlt|investiert|bezahlt|gezahlt|verloren)\b",
    rf"\b(?:j'ai|nous avons)\s+(?:vire|envoye|paye|verse|depose|investi|perdu)\s+(?:(?:l'|mes|nos|presque)\s*)*{_MONEY_OBJECT}",
    rf"\b(?:ho|abbiamo)\s+(?:trasferito|inviato|pagato|versato|investito|perso)\s+(?:(?:il|i|miei|nostri|quasi)\s+)*{_MONEY_OBJECT}",
    r"(?:送金|振り込み|振込|入金|支払い)(?:しました|ました)(?!ら)|(?:だまし取られ|失い)ました",
    r"我(?:已经|已經|已)?[^。\n你您]{0,24}?(?:转了|轉了|汇了|匯了|付了|投了|转账了|轉賬了)|(?:骗走了|騙走了|损失了|損失了)",
    # the reader picks the sum ("any amount less than that will be ignored" is the demand's floor)
    rf"\b(?:between|from)\s+[$€£]?\d[\d.,]{{0,24}}\s*(?:\w+\s+)?(?:and|to)\s+[$€£]?\d{_NOT_HOURS}|\bany amount\b(?!\s+(?:less|lower|below|under|smaller))|\bminimum (?:deposit|investment)\b",
    rf"\bentre\s+[$€£]?\d[\d.,]{{0,24}}\s*(?:\w+\s+)?(?:y|e|et)\s+[$€£]?\d{_NOT_HOURS}|\b(?:cualquier (?:cantidad|importe)|qualquer (?:valor|quantia)|n'importe quel montant)\b(?!\s+(?:inferior|menor|abaixo|por debajo|inferieur|moindre|en dessous))|\ba partir de\s+[$€£r]*\s?\d|\bdesde\s+[$€£]?\d",
    rf"\b(?:zwischen\s+[$€£]?\d[\d.,]{{0,24}}\s*(?:\w+\s+)?und\s+[$€£]?\d{_NOT_HOURS}|beliebigen betrag(?!\s+(?:darunter|unter|weniger))|ab\s+[$€£]?\d[\d.,]{{0,24}}\s?(?:euro|€|\$|usd|usdt|btc|dollar))",
    rf"\b(?:tra\s+[$€£]?\d[\d.,]{{0,24}}\s*(?:\w+\s+)?e\s+[$€£]?\d{_NOT_HOURS}|qualsiasi importo(?!\s+(?:inferiore|minore|al di sotto))|a partire da\s+[$€£]?\d|(?:deposit|invest|vers|invi|trasferisc)\w*\s+(?:solo\s+)?da\s+[$€£]?\d)",
    r"(?:お好きな金額|任意の金額|\d[\d,.]{0,24}\s*(?:円|ドル)?から(?:投資|入金|参加))|(?:任意金额|任意金額|起投(?![诉訴])|最低投资|最低投資|\d[\d,.]{0,24}\s*(?:至|到)\s*\d[\d,.]{0,24}\s*(?:个|個)?(?:btc|比特币|比特幣|usdt))",
)
_COMPILED = tuple(re.compile(p) for p in (*_PATTERNS, *_PAID_OR_OFFERED))


def find_tells(skeleton: str) -> tuple[Cue, ...]:
    """Benign tells in the skeleton, group "tell", at most _MAX_TELLS, in text order."""
    return _find(_COMPILED, skeleton, "tell")


def _to_reader(match: re.Match[str]) -> bool:
    return any(v is not None for k, v in match.groupdict().items() if k.startswith("reader"))


def _find(patterns: tuple[re.Pattern[str], ...], skeleton: str, group: str) -> tuple[Cue, ...]:
    found: list[tuple[int, str]] = []
    for pattern in patterns:
        # a match where a group named "reader..." took part was said to the reader: not this cue
        match = next((m for m in pattern.finditer(skeleton) if not _to_reader(m)), None)
        if match:
            start = max(0, match.start() - 15)
            end = min(len(skeleton), match.end() + 15)
            found.append((match.start(), skeleton[start:end].strip()[:_EVIDENCE_CHARS]))
    found.sort()
    return tuple(Cue(group=group, evidence=evidence) for _, evidence in found[:_MAX_TELLS])


# A crime reported in the third person: news and warnings retell extortion; a letter that
# makes a demand does not speak of suspects, arrests and charges.
_REPORTS: tuple[str, ...] = (
    r"\b(?:police|investigators|prosecutors|officers|authorities)\s+(?:have\s+)?(?:arrested|charged|detained|are investigating)\b|\b(?:accused|suspected|convicted) of\b|\bthe (?:suspects?|defendants?)\b",
    r"\b(?:la policia|los investigadores|la fiscalia)\s+(?:ha\s+)?(?:detenido|detuvo|arresto|acuso|imputo|investiga)\b|\b(?:acusados?|sospechosos?) de\b|\blos (?:sospechosos|acusados|detenidos)\b",
    r"\b(?:a policia|os investigadores|o ministerio publico)\s+(?:prendeu|prenderam|deteve|acusou|denunciou|investiga)\b|\b(?:acusados?|suspeitos?) de\b|\bos (?:suspeitos|acusados)\b",
    r"\b(?:die polizei|ermittler|die staatsanwaltschaft)\s+(?:hat\s+|haben\s+)?(?:festgenommen|verhaftet|angeklagt|ermittelt)\b|\b(?:festgenommen|verhaftet|angeklagt)\b|\bdie (?:verdachtigen|tatverdachtigen|angeklagten)\b",
    r"\b(?:la police|les enqueteurs|le parquet)\s+(?:a\s+|ont\s+)?(?:arrete|interpelle|inculpe|mis en examen)\w*\b|\b(?:accuses?|soupconnes?) d'|\bles (?:suspects|accuses|prevenus)\b",
    r"\b(?:la polizia|gli investigatori|la procura)\s+(?:ha\s+)?(?:arrestato|fermato|denunciato|indagato|accusato)\b|\b(?:accusat[oi]|sospettat[oi]) di\b|\bgli (?:indagati|accusati|arrestati)\b",
    r"(?:逮捕|起訴|容疑者|被告)",
    r"(?:警方|警察|检方|檢方)(?:已)?(?:逮捕|拘捕|起诉|起訴|调查|調查)|(?:嫌疑人|嫌疑犯|被告|涉嫌)",
)
# An extortion told about rather than made: its demand in reported speech (a third person,
# or the mail itself, claimed, demanded, threatened), the mail received, said to be a scam,
# what was (not) done about it, advice asked or given. None is said by an extortionist to
# his victim; "this is not a scam" is his, "is this a scam?" is not ("nobody paid me to
# check on you" and "what should you do?" are his too, in the password letters, and so is
# Japanese "どうすれば" unless the writer asks it of himself or for advice). A mail received
# is retold only by someone other than the reader: "you" (German "Sie" where it is not
# "they", Portuguese "recebeu este e-mail" and Italian "ha ricevuto questa e-mail" with
# their subject dropped) is said to the reader,
# and German "werden ... eine Nachricht erhalten" is the threat's future, not a report.
# Chinese "是...垃圾邮件" and Japanese "迷惑メールです" (it is spam) name the scam as
# "it is a mass-mailed scam" does; "你可能以为这是垃圾邮件" (you may think this is spam) is
# the writer's, said to the reader.
_RETELLINGS: tuple[str, ...] = (
    # en
    r"\b(?:he|she|they|someone|whoever sent it|(?:the|these|those|such) (?:senders?|scammers?|blackmailers?|extortionists?|writer|author|man|person|criminals?|e-?mails?|messages?|letters?|mails?))\s+(?:had\s+|has\s+|have\s+)?(?:said|says|claimed|claims|claiming|alleged|alleges|wrote|demanded|demands|demanding|threatened|threatens|threatening|asked for|asks for|wanted|insisted)\b|\b(?:they|(?:the|these|those|such) (?:senders|scammers|criminals|e-?mails|messages|letters|mails))\s+(?:say|claim|allege|demand|threaten|ask for)\b",
    r"\b(?:claim(?:s|ed|ing)?|pretend(?:s|ed|ing)?|alleg(?:es|ed|ing))\s+to\s+(?:have|hold|possess)\b|\bthreaten(?:s|ed|ing)\s+to\s+(?:send|share|publish|release|leak|post|expose)\b",
    r"\b(?:i|we|my \w+|our \w+|the member|(?:several|many|dozens of|\d+) (?:offices|colleagues|members|people|victims))\s+(?:have\s+|has\s+)?(?:received|got|were sent|was sent|have been sent|reported)\s+(?:an?\s+|this\s+|the\s+|these\s+|several\s+|such\s+|\d+\s+)?(?:(?:strange|suspicious|threatening|blackmail|extortion|similar)\s+)?(?:e-?mails?|messages?|letters?|mails?)\b",
    r"\b(?:we|i) (?:did not|didn't|have not|haven't|never|will not|won't) (?:pay|paid)\b|\b(?:nobody|no one) (?:should pay|has paid|had paid|paid)\b(?!\s+me\b)|(?<!you )(?<!if )\b(?:do not|don't|never) pay\b",
    r"\bis (?:this|it) (?:a |an )?(?:known |common )?(?:scam|hoax|fraud)\b|\b(?:it|this) is (?:a |an )?(?:known |common |mass[- ]mailed |well[- ]known )?(?:sextortion )?(?:scam|hoax|fraud)\b|\b(?:what should (?:i|we) do|should (?:i|we) (?:report|pay|tell|go to))\b",
    # es
    r"\b(?:el|la) (?:remitente|correo|mensaje|estafador|chantajista|extorsionador|hombre|autor)\s+(?:decia|dice|afirmaba|afirma|aseguraba|sostenia|exigia|exige|pedia|pide|amenazaba|amenaza)\b|\b(?:decia|afirmaba|aseguraba|sostenia|afirman|aseguran)\s+(?:que|tener|haber)\b|\bamenaza(?:ba|ban|ndo)? con\b",
    r"\b(?P<reader>(?:usted|tu)(?: \w+)? )?(?:recibi|recibio|recibieron|recibimos|he recibido|ha recibido|han recibido|hemos recibido|denunciaron)\s+(?:un\s+|una\s+|el\s+|este\s+|varios\s+|\d+\s+)?(?:correos?|mensajes?|e-?mails?|cartas?)\b",
    r"\bno (?:hemos|he|han) pagado\b|\bno pague nada\b|\bnadie debe pagar\b|(?<!si )\bno pague\b|(?<!no )\b(?:es|se trata de) una estafa\b|\bque debo hacer\b|\bdebo denunciar\w*\b",
    # pt
    r"\bo (?:remetente|e-?mail|golpista|chantagista|homem|autor)\s+(?:dizia|diz|afirmava|afirma|alegava|exigia|exige|pedia|pede|ameacava|ameaca)\b|\b(?:dizia|afirmava|alegava|afirmam|dizem)\s+(?:que|ter)\b|\bameaca(?:va|vam|ndo)\b",
    r"\b(?P<reader>(?:voce|tu|o senhor|a senhora)(?: \w+)? |(?:por que|porque|que|se|talvez|provavelmente|ja|acaba de|quando)\s+(?=recebeu\s+(?:este|esta|esse|essa)\b))?(?:recebi|recebeu|receberam|recebemos|relataram)\s+(?:um\s+|uma\s+|o\s+|a\s+|este\s+|esta\s+|esse\s+|essa\s+|varios\s+|varias\s+|\d+\s+)?(?:e-?mails?|mensage(?:m|ns)|cartas?)\b",
    r"(?<!se )\bnao (?:pagamos|paguei|pague)\b|\bninguem deve pagar\b|(?<!nao )\be um golpe\b|\bo que devo fazer\b|\bdevo (?:registrar|denunciar)\w*\b",
    # de
    r"\b(?:der absender|der verfasser|der erpresser|die (?:e-)?mail|die nachricht|er|sie)\s+(?:behauptete|behauptet|schrieb|verlangte|forderte|drohte)\b|\bbehauptete\b|\bdrohte\b|\bzu (?:besitzen|haben) behaupte\w*\b|\bes hiess\b|\bheisst es\b",
    r"\b(?P<reader>(?:sie haben|du hast)(?: \w+)? |(?:haben sie|hast du) |(?<!\bdass )(?<!\bweil )(?<!\bund )(?<!\bals )(?<!\bda )(?<!\bnachdem )(?<!\bob )(?:sie|du) (?!hat |hatte )(?:\w+ )?|(?:werden|wird)\s+(?:\w+\s+){0,3}?)?(?:eine|die|diese|mehrere|\d+)\s+(?:e-?mails?|mails?|nachricht(?:en)?)\b(?P<reader_after> (?:haben sie|hast du)\b)?[^.\n]{0,60}?\b(?:bekommen|erhalten|gemeldet)\b",
    r"\b(?:wir haben|ich habe) (?:noch )?(?:nicht|nichts) (?:bezahlt|gezahlt)\b|\bniemand solle? zahlen\b|(?<!wenn sie )(?<!falls sie )\b(?:bitte |auf keinen fall |keinesfalls )?nicht (?:zahlen|bezahlen|uberweisen)\s*!|\b(?:zahlen|bezahlen|uberweisen) sie (?:bitte |auf keinen fall |keinesfalls )?nicht\b(?!,\s*(?:dann|so)\b)|(?<!keine )\b(?:masche|betrugsmasche)\b|\bwas soll ich tun\b",
    # fr
    r"\bl'(?:expediteur|auteur|escroc|e-?mail)\s+(?:pretendait|pretend|affirmait|affirme|exigeait|exige|reclamait|reclame|menacait|menace)\b|\b(?:pretendait|pretendant|affirmait|pretendent|affirment)\s+(?:avoir|que|detenir)\b|\bmenacait\b|\bil etait (?:meme )?ecrit\b",
    r"\b(?:j'ai|a|ont|avons)\s+(?:recu|signale)\s+(?:un\s+|une\s+|des\s+|cet\s+|ce\s+|plusieurs\s+|\d+\s+)?(?:e-?mails?|messages?|courriels?|lettres?)\b",
    r"\bn'(?:avons|ai) (?:rien |pas )?paye\b|(?<!si vous )\bne payez pas\b|\bpersonne ne doit payer\b|(?<!pas une )(?<!pas d'une )\b(?:arnaque|escroquerie)\b|\bque dois-je faire\b",
    # it
    r"\b(?:il mittente|l'autore|il truffatore|il ricattatore|la mail|l'e-?mail)\s+(?:sosteneva|sostiene|diceva|dice|affermava|chiedeva|chiede|pretendeva|minacciava|minaccia)\b|\b(?:sosteneva|diceva|affermava|sostengono|affermano)\s+(?:di|che)\b|\bminacciava\b|\bc'era scritto\b",
    r"\b(?P<reader>(?:lei|tu)\s+|(?:perche|che|se|forse|probabilmente|gia)\s+(?=ha ricevuto\s+(?:questo|questa)\b))?(?:ho|ha|hanno|abbiamo)\s+(?:ricevuto|segnalato)\s+(?:un\s+|una\s+|questa\s+|diverse\s+|\d+\s+)?(?:e-?mail|messagg(?:io|i)|letter[ae])\b",
    r"\bnon (?:abbiamo|ho) pagato\b|\bnessuno deve pagare\b|(?<!non )\b(?:e|si tratta di) una truffa\b|\bcosa devo fare\b",
    # ja
    r"と(?:主張|書いて|言って|脅して|要求して|称して)|と脅(?:し|迫)|(?:届いた|受け取った|送られてきた|届いている)(?:メール|メッセージ)|(?:支払って|払って)(?:は)?いません|詐欺(?:です|でしょうか|なのでしょうか)|(?:迷惑メール|スパムメール|一斉送信(?:された|の)メール)(?:です|でした|でしょう)|(?:私|わたし|僕|我々|私たち|当方|当事務所)(?:は|たちは)?どうすれば|どうすれば(?:よい|いい)(?:の)?か(?:を)?(?:教えて|ご教示|ご助言|助言|アドバイス|分かりません|わかりません|困って)",
    # zh (simplified and traditional)
    r"(?:声称|聲稱|自称|自稱|扬言|揚言)|(?:收到|接到)(?:了)?(?:一封|这封|這封|多封|\d+封)?(?:邮件|郵件|电邮|電郵|信息|訊息)|(?:我|我们|我們|大家)(?:都)?(?:没有|沒有|没|沒)(?:付钱|付錢|付款)|不要付款|(?<!不是)(?<!并非)(?<!並非)(?:骗局|騙局|诈骗|詐騙)|(?P<reader>[你您](?:们|們)?(?:现在|現在|到底|接下来|接下來)?)?(?:该怎么办|該怎麼辦)|(?<!不)(?<!並不)(?<!并不)(?<!以为[这這它])(?<!以為[这這它])(?<!觉得[这這它])(?<!覺得[这這它])(?<!认为[这這它])(?<!認為[这這它])是[^。\n]{0,12}?(?:垃圾[邮郵]件|群[发發][的邮郵])",
)
# ... and the letter pasted whole inside someone's plea: how it came, where the quote
# starts, that the one it was sent to has not paid, whether it is real. ("No ha pagado",
# "non ha pagato" and "não pagou" are left out: with the formal "you" dropped they are an
# extortionist's reminder; so are "you got this mail", "você recebeu este e-mail" and "Sie
# haben diese E-Mail erhalten": the password letters say them to their reader.)
_PASTED: tuple[str, ...] = (
    r"\b(?:he|she|they|my \w+|we)\s+(?:still\s+)?(?:has not|have not|hasn't|haven't|did not|didn't|refused to)\s+pa(?:y|id)\b|\b(?P<reader>you(?:'ve| have)?(?: \w+)? )?(?:got|received|was sent)\s+(?:this|the (?:message|e-?mail|letter) below)\b|\b(?:here is what it said|this is the text|copied below|pasted below)\b|\bis (?:it|this) real\b",
    r"\b(?:llego|enviaron) (?:esto|el mensaje de abajo)\b|\b(?:esto es lo que decia|copio el texto)\b|\bsi es real\b",
    r"\brecebeu (?:isto|a mensagem abaixo)\b|\b(?:foi isto que dizia|copio o texto)\b|\bse e verdade\b",
    r"\b(?:er|sie) hat (?:noch )?nicht (?:gezahlt|bezahlt)\b|\b(?:das hier|die nachricht unten) bekommen\b|\b(?:das stand drin|hier der text)\b|\bob das echt ist\b|\bdie (?:absender|erpresser|tater|mails|e-mails|nachrichten)\s+(?:behaupten|schreiben|verlangen|fordern|drohen)\b",
    r"\b(?:il|elle) n'a pas paye\b|\ba recu (?:ceci|le message ci-dessous)\b|\b(?:voici ce qu'il disait|je copie le texte)\b|\bsi c'est serieux\b",
    r"\bha ricevuto (?:questo|il messaggio qui sotto)\b|\b(?:ecco cosa diceva|copio il testo)\b|\bse e vero\b",
    r"(?:まだ払っておらず|支払いはしておらず)|(?:本文を貼ります|内容は次のとおり)|本当なのか分かりません",
    r"(?:他|她|我们|我們)(?:还|還)?(?:没有|沒有|没|沒)(?:付钱|付錢)|(?:内容如下|內容如下|原文是这样的|原文是這樣的)|是不是真的",
)
# ... and reported speech by its grammar, not by one verb: a clause telling what others
# say (German "in denen sie behaupten", "Betrüger verschicken"), a claim with a perfect
# infinitive ("behaupten, Sie gefilmt zu haben"), a third person's Konjunktiv I, or a
# Konjunktiv II after a verb of saying ("geben an, sie hätten ...", folded to "hatten");
# the hearsay conditional of the Romance languages ("ils auraient piraté", "habrían
# hackeado"). An extortionist states his acts in the indicative, of himself. (That the
# quoted password "comes from an old leak" is no retelling: password letters say so too.)
_REPORTED: tuple[str, ...] = (
    # de
    r"\b(?:in denen|in der|in dem|worin|wobei|welche|die|der)\s+(?:sie|er|man|die absender|der absender|die tater|der tater)\s+(?:behaupten|behauptet|behauptete|behaupteten|drohen|droht|drohte|drohten|fordern|fordert|forderten|verlangen|verlangt|verlangten|angeben|angibt|vorgeben|vorgibt)\b|\b(?:in denen|in der|in dem|worin|wobei)\s+(?:sie|er|man|die absender|der absender|die tater|der tater)\s+(?:schreiben|schreibt)\b",
    r"\b(?:behaupt\w*|vorgeben|vorgibt|geben vor|gibt vor|angeblich)\b[^.\n]{0,100}?\bzu (?:haben|besitzen|sein)\b",
    r"\b(?:er|der absender|der erpresser|der tater|der verfasser|jemand)\s+(?:habe|sei|werde|verlange|fordere|drohe|besitze|konne)\b",
    r"\b(?:behauptet\w*|angegeben|angeben|gibt an|geben an|schreib\w*|erklar\w*|hiess es|heisst es),?\s+(?:dass\s+)?(?:sie|er|man)\s+(?:hatten|hatte|habe|seien|sei|wurden|werde)\b",
    r"\b(?:betruger|erpresser|kriminelle|cyberkriminelle|tater|gauner|scammer)\s+(?:behaupten|drohen|fordern|verlangen|schreiben|verschicken|versenden|schicken|geben vor)\b",
    # fr, es, pt, it: the hearsay conditional of a third person plural
    r"\b(?:auraient|habrian|teriam|avrebbero)\s+(?:pirate|piratee|filme|enregistre|infecte|hackeado|grabado|filmado|infectado|invadido|gravado|hackerato|violato|filmato|registrato|infettato)\b",
)
_RETELLINGS_COMPILED = tuple(re.compile(p) for p in (*_REPORTS, *_RETELLINGS, *_PASTED, *_REPORTED))


def find_retellings(text: str) -> tuple[Cue, ...]:
    """Signs that the text tells of an extortion rather than makes one, group "retold",
    at most _MAX_TELLS, in text order. Given the passage where the demand stands."""
    return _find(_RETELLINGS_COMPILED, text, "retold")
