"""Benign tells: what phishing and spam ask of the reader and extortion never does (pure).

Phishing, parcel, lottery, investment and diet spam ask for money in extortion's words
(pay, transfer, a deadline, a wallet), but they want something extortion does not: the
reader to log in or verify an account, follow a link to track a parcel or claim a prize,
order a product, earn a return. An extortionist wants the money and the silence, nothing
else; "verify your account" or "20% off" in a letter is evidence it is not extortion. The
combiner weighs a tell against the rest (it is fitted on families held out whole), so a
tell lowers a verdict and never decides one alone.

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
    r"\b(?:order|buy|shop)\s+(?:now|today)\b|\b(?:limited|special|exclusive)\s+offer\b|\boffer (?:ends|expires)\b|\bfree (?:bottle|trial|shipping|gift)\b",
    r"\bunsubscribe\b|\b(?:click|tap)\s+(?:here|the link|below|on the link)\b",
    # es
    r"\b(?:verifique|verifica|confirme|confirma|actualice|actualiza|valide)\s+(?:su|tu|sus|tus)\s+(?:cuenta|identidad|datos|tarjeta|contrasena|informacion)\b",
    r"\b(?:inicie|inicia) sesion\b|\b(?:haga|haz) clic\b|\bdarse de baja\b|\bcancelar (?:la )?suscripcion\b",
    r"\b(?:su|tu) (?:paquete|envio|pedido)\b[^.\n]{0,60}?\b(?:entrega|aduana|deposito|mensajero|repartidor)\b",
    r"\b(?:reclame|reclama|cobre|cobra)\s+(?:su|tu)\s+(?:premio|ganancias|bono)\b|\b(?:ha ganado|has ganado|ganador|loteria|sorteo)\b",
    r"\b(?:gane|gana|ganar)\s+(?:hasta\s+)?[^.\n]{0,24}?\b(?:al|por|cada)\s+(?:dia|semana|mes)\b|\b(?:rentabilidad|ganancias?|beneficios?)\s+(?:del?\s+)?\d+\s*%|\b\d+\s*%\s+de descuento\b",
    r"\b(?:pida|pide|compre|compra)\s+(?:ya|ahora|hoy)\b|\boferta (?:especial|limitada|termina|valida)\b|\bbot de trading\b",
    # pt
    r"\b(?:verifique|confirme|atualize|valide|regularize)\s+(?:a\s+)?(?:sua|seus|suas|seu)\s+(?:conta|identidade|dados|cartao|senha|cadastro)\b",
    r"\b(?:faca|acesse) (?:login|o login)\b|\bclique (?:aqui|no link)\b|\bcancelar (?:a )?inscricao\b|\bdescadastr\w+\b",
    r"\b(?:sua|seu) (?:encomenda|pacote|pedido|envio)\b[^.\n]{0,60}?\b(?:entrega|alfandega|deposito|transportadora|correios)\b",
    r"\b(?:resgate|reivindique|receba)\s+(?:o\s+)?(?:seu|sua)\s+(?:premio|bonus|ganhos)\b|\b(?:voce ganhou|ganhador|sorteio|loteria)\b",
    r"\b(?:ganhe|ganhar)\s+(?:ate\s+)?[^.\n]{0,24}?\b(?:por|cada|ao)\s+(?:dia|semana|mes)\b|\b(?:rendimento|retorno|lucros?)\s+(?:de\s+)?\d+\s*%|\b\d+\s*%\s+de desconto\b",
    r"\b(?:peca|compre)\s+(?:ja|agora|hoje)\b|\boferta (?:especial|limitada|termina|valida)\b|\brobo de (?:trading|investimento)\b",
    # de
    r"\b(?:bestatigen|verifizieren|aktualisieren|uberprufen|entsperren)\s+sie\s+(?:ihr|ihre|ihren)\s+(?:konto|identitat|daten|angaben|karte|zugang|passwort)\b|\b(?:ihr|ihre|ihren)\s+(?:konto|identitat|daten|angaben|karte|zugang)\s+(?:zu\s+)?(?:bestatigen|verifizieren|aktualisieren|uberprufen)\b",
    r"\b(?:melden sie sich|loggen sie sich) (?:an|ein)\b|\bklicken sie (?:hier|auf den link)\b|\b(?:newsletter )?abbestellen\b",
    r"\b(?:ihr|ihre) (?:paket|sendung|lieferung|bestellung)\b[^.\n]{0,60}?\b(?:zustellung|zoll|depot|kurier|zugestellt)\b",
    r"\b(?:fordern sie|holen sie sich)\s+(?:ihren|ihr)\s+(?:gewinn|preis|bonus)\b|\b(?:sie haben gewonnen|gewinner|gewinnspiel|lotterie|verlosung)\b",
    r"\b(?:verdienen sie|verdienen)\s+(?:bis zu\s+)?[^.\n]{0,24}?\b(?:pro|jede[nm]?|im)\s+(?:tag|woche|monat)\b|\b(?:rendite|gewinne?)\s+(?:von\s+)?\d+\s*%|\b\d+\s*%\s+rabatt\b",
    r"\b(?:jetzt|heute)\s+(?:bestellen|kaufen)\b|\b(?:sonderangebot|angebot endet|angebot gilt|gratis-flasche|gratisflasche)\b|\btrading-?bot\b",
    # fr
    r"\b(?:verifiez|confirmez|mettez a jour|validez|debloquez)\s+(?:votre|vos)\s+(?:compte|identite|donnees|informations|carte|coordonnees|mot de passe)\b",
    r"\b(?:connectez-vous|identifiez-vous)\b|\bcliquez (?:ici|sur le lien)\b|\b(?:se )?desinscrire\b|\bdesabonner\b",
    r"\b(?:votre) (?:colis|envoi|commande|livraison)\b[^.\n]{0,60}?\b(?:livraison|douane|depot|livreur|transporteur)\b",
    r"\b(?:reclamez|recuperez|encaissez)\s+(?:votre|vos)\s+(?:prix|gains|lot|bonus)\b|\b(?:vous avez gagne|gagnant|loterie|tirage au sort)\b",
    r"\b(?:gagnez|gagner)\s+(?:jusqu'a\s+)?[^.\n]{0,24}?\b(?:par|chaque)\s+(?:jour|semaine|mois)\b|\b(?:rendement|profits?|gains?)\s+(?:de\s+)?\d+\s*%|\b\d+\s*%\s+de (?:reduction|remise)\b",
    r"\b(?:commandez|achetez)\s+(?:maintenant|aujourd'hui|des maintenant)\b|\boffre (?:speciale|limitee|se termine|valable)\b|\brobot de trading\b",
    # it
    r"\b(?:verifica|verifichi|conferma|confermi|aggiorna|aggiorni|sblocca)\s+(?:il tuo|la tua|il suo|la sua|i tuoi|i suoi)\s+(?:account|conto|identita|dati|carta|password)\b",
    r"\b(?:accedi|effettua l'accesso)\b|\bclicca (?:qui|sul link)\b|\bannulla (?:l')?iscrizione\b|\bdisiscriv\w+\b",
    r"\b(?:il tuo|il suo) (?:pacco|ordine|spedizione)\b[^.\n]{0,60}?\b(?:consegna|dogana|deposito|corriere)\b",
    r"\b(?:riscuoti|richiedi|ritira)\s+(?:il tuo|il suo)\s+(?:premio|bonus|vincita)\b|\b(?:hai vinto|ha vinto|vincitore|lotteria|estrazione)\b",
    r"\b(?:guadagna|guadagnare)\s+(?:fino a\s+)?[^.\n]{0,24}?\b(?:al|a|ogni)\s+(?:giorno|settimana|mese)\b|\b(?:rendimento|profitti?|guadagni?)\s+(?:del\s+)?\d+\s*%|\b\d+\s*%\s+di sconto\b",
    r"\b(?:ordina|compra)\s+(?:ora|oggi|subito)\b|\bofferta (?:speciale|limitata|scade|valida)\b|\bbot di trading\b",
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
_COMPILED = tuple(re.compile(p) for p in (*_PATTERNS, *_REPORTS))


def find_tells(skeleton: str) -> tuple[Cue, ...]:
    """Benign tells in the skeleton, group "tell", at most _MAX_TELLS, in text order."""
    found: list[tuple[int, str]] = []
    for pattern in _COMPILED:
        match = pattern.search(skeleton)
        if match:
            start = max(0, match.start() - 15)
            end = min(len(skeleton), match.end() + 15)
            found.append((match.start(), skeleton[start:end].strip()[:_EVIDENCE_CHARS]))
    found.sort()
    return tuple(Cue(group="tell", evidence=evidence) for _, evidence in found[:_MAX_TELLS])
