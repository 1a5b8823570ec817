"""Extortion cue patterns per language, and a guess at the language (pure).

Patterns run on the skeleton of normalise_for_judging: lower case, no accents, Latin
look-alikes folded, so each is written once in that form. Every language's patterns
run on every message, because extortion mail mixes languages and the language guess
is only a guess. Chinese patterns are written in simplified characters and widened to
traditional ones by a small table, so one pattern serves zh-Hans and zh-Hant.
"""

# ruff: noqa: E501  (a pattern reads best whole on one line)

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGES = ("en", "zh-Hant", "zh-Hans", "es", "pt", "de", "fr", "it", "ja")

# Groups found in the text. "wallet" and "addressed" come from the message's
# indicators and recipient, so they are added by classify, not matched here.
TEXT_GROUPS = ("threat", "recorded", "payment", "deadline", "secrecy")
_PASSAGE_GROUPS = (*TEXT_GROUPS, "wallet")  # a wallet standing in the text has a place too
_EXPOSURE = frozenset(("threat", "recorded"))
_SPOKEN = frozenset(("wallet", "payment", "secrecy"))

_EVIDENCE_CHARS = 80


@dataclass(frozen=True, slots=True, kw_only=True)
class Cue:
    """One reason behind a verdict: a cue group and the text that made it fire."""

    group: str
    evidence: str  # the matched words in the judging skeleton (lower case, accents folded)


# Simplified -> traditional for the characters the Chinese patterns use, and for
# telling zh-Hans from zh-Hant. Not a converter: only what judging needs.
_S2T = dict(
    zip(
        "发传开选记体报党议员讯录联见会败尽毁视频图进骇马恶软摄头网络镜爱隐浏览历里"
        "转账汇币货虚拟钱址时计后两别许复诉声张话无踪这们说个为来对过还从经现问请谢"
        "关于东区长机门车学书买卖邮电资务应该让给觉样点几钟万亿给线删处钥确认码账户"
        "冻结验证标题将谁杀伤价种据条让严罚银费额亲属脸实钱态导领举产闻称业动级间谍妇内",
        "發傳開選記體報黨議員訊錄聯見會敗盡毀視頻圖進駭馬惡軟攝頭網絡鏡愛隱瀏覽歷裡"
        "轉賬匯幣貨虛擬錢址時計後兩別許復訴聲張話無蹤這們說個為來對過還從經現問請謝"
        "關於東區長機門車學書買賣郵電資務應該讓給覺樣點幾鐘萬億給線刪處鑰確認碼賬戶"
        "凍結驗證標題將誰殺傷價種據條讓嚴罰銀費額親屬臉實錢態導領舉產聞稱業動級間諜婦內",
        strict=True,
    )
)
_TRADITIONAL = frozenset(t for s, t in _S2T.items() if s != t)
_SIMPLIFIED = frozenset(s for s, t in _S2T.items() if s != t)


def _zh(pattern: str) -> str:
    """A simplified-Chinese pattern that also matches the traditional spelling."""
    return "".join(f"[{ch}{_S2T[ch]}]" if _S2T.get(ch, ch) != ch else ch for ch in pattern)


_NUM_EN = r"(?:\d+|one|two|three|four|five|six|seven|ten|twelve|twenty[- ]?four|forty[- ]?eight|seventy[- ]?two)"
_GAP = r"(?:[^.\n]|\.(?=\d))"  # within one sentence; "0.3 BTC" does not end it
# An amount's digits are bounded ({0,24}): unbounded, every pattern holding _MONEY rescanned
# the rest of a "1,1,1,..." run from each digit (minutes for one hostile message).
_MONEY = r"(?:\$|€|£|¥|usd|eur|hkd|btc|bitcoins?|eth|ether|usdt|tether|xmr|monero|ltc|crypto\w*|\d[\d,.]{0,24}\s?(?:k\b|dollars?|euros?|pounds?|reais|yen))"

_PATTERNS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "recorded": (
            r"\b(?:photos?|pictures?|pics?|images?|videos?|footage|recordings?|clips?|screenshots?|nudes?)\s+(?:of|showing)\s+you\b",
            r"\b(?:recorded|filmed|captured|photographed|watched)\s+you\b",
            r"\b(?:hacked|compromised|infected|breached|took over|gained (?:full |remote )?access to|have (?:full |remote )?access to)\s+(?:into\s+)?your\s+(?:device|computer|phone|laptop|pc|webcam|camera|e-?mail|account|mailbox|system)s?\b",
            r"\b(?:webcam|front camera|your camera)\b",
            r"\b(?:adult|porn\w*|xxx|sex)\s*(?:sites?|websites?|videos?|content|pages?)\b",
            r"\b(?:intimate|explicit|compromising|naked|nude|sexual|masturbat\w*|embarrassing)\b",
            r"\bbrowsing (?:history|habits|activity)\b",
            r"\b(?:malware|trojan|spyware|keylogger|remote access tool|rat software)\b",
            r"\b(?:affair|mistress|secret relationship)\b",
        ),
        "threat": (
            r"\b(?:will|shall|going to|gonna|i'll|we'll)\s+(?:\w+\s+){0,3}?(?:send|share|leak|release|publish|post|upload|distribute|expose|forward|mail|circulate|broadcast)\b",
            r"\b(?:will|would|are going to)\s+(?:all\s+)?(?:receive|see|get|watch|learn about|find out about)\s+(?:it|this|them|everything|the\s+\w+)\b",
            r"\b(?:to|with)\s+(?:all\s+|every(?:one)?\s+(?:of\s+)?)?your\s+(?:contacts|colleagues|family|friends|wife|husband|partner|children|voters|constituents|staff|party|followers|employer|boss)\b",
            r"\b(?:make|made)\s+(?:it|this|them|everything|the \w+)?\s*public\b",
            r"\b(?:go(?:es)? viral|ruin\w*|destroy\w*|end)\s+(?:your\s+)?(?:career|reputation|life|marriage|political career)\b",
            r"\b(?:hurt|harm|kill|attack|find)\s+(?:you|your family|your children)\b",
            r"\byou(?:'ll| will) regret\b",
            r"\b(?:to|with)\s+(?:all\s+|every\s+)?(?:the\s+)?(?:press|newspapers|media|journalists|tabloids)\b(?! office)",
        ),
        "payment": (
            rf"\b(?:pay|transfer|send|deposit|wire)\b{_GAP}{{0,60}}?{_MONEY}",
            r"\b(?:bitcoin|btc|crypto|usdt|eth|ethereum|monero|litecoin)\s*(?:wallet|address)\b",
            r"\b(?:wallet|payment address)\s*:",
            r"\b(?:ransom|hush money|price for (?:my )?silence)\b",
            rf"\bamount\s*:\s*[^\n]{{0,20}}?{_MONEY}",
        ),
        "deadline": (
            rf"\bwithin\s+(?:the next\s+)?{_NUM_EN}\s*(?:hours?|hrs?|h|days?)\b",
            rf"\byou(?: have|'ve got)\s+(?:only\s+)?{_NUM_EN}\s+(?:hours?|days?)\b",
            rf"\b{_NUM_EN}\s*(?:hours?|hrs|h)\s+(?:to|left|from now)\b",
            r"\b(?:deadline|countdown|timer|time is running out|clock is ticking|last chance|final warning|final notice)\b",
            r"\b(?:by|before|until)\s+(?:midnight|tomorrow|tonight|the end of (?:today|the day|the week))\b",
        ),
        "secrecy": (
            r"\b(?:do not|don't|dont|never)\s+(?:try to\s+)?(?:reply|respond|answer|tell|contact|inform|call|go to|involve|show this|report|discuss)\b",
            r"\b(?:if you|should you)\s+(?:\w+\s+){0,2}?(?:contact|tell|call|inform|go to|involve)\s+(?:the\s+)?(?:police|authorities|anyone|anybody|lawyers?)\b",
            r"\b(?:cannot|can't|can not) be traced\b",
            r"\bkeep (?:this|it) (?:quiet|secret|between us)\b",
        ),
    },
    "es": {
        "recorded": (
            r"\b(?:fotos?|fotografias?|videos?|imagen(?:es)?|grabacion(?:es)?)\s+(?:\w+\s+)?(?:de\s+)?(?:usted|ti|tuy[oa]s?|suy[oa]s?|intim[oa]s|comprometedor\w*)\b",
            r"\b(?:te|le|la|lo)\s+(?:he |hemos )?(?:grabe|grabamos|grabado|filme|filmado)\b",
            r"\b(?:hackee|hackeado|pirateado|infectado|acceso (?:total |remoto )?a)\s+(?:a\s+)?(?:tu|su)\s+(?:dispositivo|ordenador|computadora|telefono|movil|camara|cuenta|correo)\b",
            r"\b(?:camara web|webcam|su camara|tu camara)\b",
            r"\b(?:sitios?|paginas?|videos?|contenido)\s+(?:para adultos|porno\w*|x)\b",
            r"\b(?:intim[oa]s?|desnud\w+|sexual\w*|explicit\w+|vergonzos\w+)\b",
            r"\bhistorial de navegacion\b",
            r"\b(?:malware|troyano|spyware|programa espia)\b",
            r"\b(?:aventura|amante|relacion secreta)\b",
        ),
        "threat": (
            r"\b(?:enviare|enviaremos|mandare|publicare|publicaremos|compartire|difundire|filtrare|subire|reenviare|mostrare|expondre)\b",
            r"\b(?:tus|sus)\s+(?:contactos|colegas|familia\w*|amigos|esposa|marido|pareja|votantes|companeros|hijos)\b[^.\n]{0,30}?\b(?:veran|recibiran|sabran|conoceran)\b",
            r"\b(?:sera|seran)\s+(?:public\w+|enviad\w+|difundid\w+|filtrad\w+)\b",
            r"\bhacer(?:lo|los|las)? public\w+\b",
            r"\b(?:arruinar|destruir|acabar con)\s+(?:tu|su)\s+(?:carrera|reputacion|vida|matrimonio)\b",
            r"\b(?:hacerte dano|hacerle dano|te arrepentiras|se arrepentira)\b",
            r"\b(?:llegara|ira)\s+a\s+(?:todos\s+)?(?:sus|su|tus|tu|los)\s+(?:contactos|colegas|familia|amigos|votantes|companeros|esposa|marido|periodistas)\b",
            r"\ba\s+(?:todos\s+)?(?:sus|tus)\s+(?:contactos|colegas|amigos|votantes|companeros)\b",
        ),
        "payment": (
            rf"\b(?:paga|pague|pagar|pagues|transfiere|transfiera|transferir|envia|envie|enviar|deposita|deposite)\b{_GAP}{{0,60}}?(?:{_MONEY}|dolares|euros)",
            r"\b(?:direccion|billetera|cartera|monedero)\s+(?:de\s+)?(?:bitcoin|btc|cripto\w*|usdt)\b",
            r"\b(?:rescate|precio de mi silencio)\b",
            rf"\bimporte\s*:\s*[^\n]{{0,20}}?(?:{_MONEY}|dolares)",
        ),
        "deadline": (
            r"\b(?:en|dentro de)\s+(?:las\s+)?(?:proximas\s+)?(?:\d+|veinticuatro|cuarenta y ocho|setenta y dos|dos|tres)\s+(?:horas|dias)\b",
            r"\b(?:tienes|tiene)\s+(?:solo\s+)?(?:\d+|dos|tres)\s+(?:horas|dias)\b",
            r"\b(?:plazo|fecha limite|cuenta atras|cuenta regresiva|ultimo aviso|ultima oportunidad)\b",
            r"\b(?:antes de|hasta) (?:manana|medianoche|esta noche)\b",
        ),
        "secrecy": (
            r"\bno\s+(?:respondas|responda|contestes|conteste|digas|diga|se lo digas|se lo diga|cuentes|cuente|contactes|contacte|acudas|acuda|llames|llame|avises|avise|intentes|intente|informes|informe|denuncies|denuncie)\b",
            r"\b(?:si|en caso de que)\s+(?:\w+\s+){0,2}?(?:contactas|contacta|acudes|acude|avisas|avisa|llamas|llama|vas|va)\s+a\s+la\s+policia\b",
            r"\b(?:imposible de rastrear|no se puede rastrear)\b",
        ),
    },
    "pt": {
        "recorded": (
            r"\b(?:fotos?|videos?|image(?:m|ns)|grava(?:cao|coes))\s+(?:de voce|suas?|seus?|com voce|intim\w+|comprometedor\w*)\b",
            r"\b(?:gravei|filmei|gravamos|filmamos|gravado|filmado)\b",
            r"\b(?:hackeei|invadi|hackeado|invadido|infectei|infectado|acesso (?:total |remoto )?ao?)\s+(?:a\s+|o\s+)?(?:seu|sua|teu|tua)\s+(?:dispositivo|computador|telefone|celular|camera|conta|e-?mail)\b",
            r"\b(?:webcam|sua camera|camera do seu)\b",
            r"\b(?:sites?|paginas?|videos?|conteudo)\s+(?:adulto|para adultos|porno\w*)\b",
            r"\b(?:intim[oa]s?|nu[ae]?s?|pelad[oa]|sexua\w+|explicit\w+|constrangedor\w*)\b",
            r"\bhistorico de navegacao\b",
            r"\b(?:malware|trojan|cavalo de troia|spyware)\b",
            r"\b(?:caso extraconjugal|amante|traicao)\b",
        ),
        "threat": (
            r"\b(?:enviarei|enviaremos|mandarei|publicarei|publicaremos|compartilharei|divulgarei|vazarei|espalharei|encaminharei|mostrarei|exporei)\b",
            r"\b(?:seus|suas|teus|tuas)\s+(?:contatos|colegas|familiares|amigos|eleitores|filhos)\b[^.\n]{0,30}?\b(?:vao|irao)\s+(?:ver|receber|saber)\b",
            r"\b(?:sera|serao)\s+(?:public\w+|enviad\w+|divulgad\w+|vazad\w+)\b",
            r"\btornar(?:ei)?\s+(?:isso\s+|tudo\s+)?public\w+\b",
            r"\b(?:destruir|arruinar|acabar com)\s+(?:a\s+)?(?:sua|tua)\s+(?:carreira|reputacao|vida|familia)\b",
            r"\b(?:vai se arrepender|machucar voce|fazer mal)\b",
            r"\b(?:vai|ira)\s+para\s+(?:a|os|as)\s+(?:sua|seus|suas)\s+(?:familia|contatos|colegas|amigos|eleitores)\b",
            r"\baos?\s+(?:todos\s+os\s+)?(?:seus|teus)\s+(?:contatos|colegas|amigos|eleitores)\b",
        ),
        "payment": (
            rf"\b(?:pague|pagar|transfira|transferir|envie|enviar|deposite|depositar)\b{_GAP}{{0,60}}?(?:{_MONEY}|r\$|reais|dolares|euros)",
            r"\b(?:endereco|carteira)\s+(?:de\s+)?(?:bitcoin|btc|cripto\w*|usdt)\b",
            r"\b(?:resgate|preco do (?:meu )?silencio)\b",
            rf"\bvalor\s*:\s*[^\n]{{0,20}}?(?:{_MONEY}|r\$|dolares)",
        ),
        "deadline": (
            r"\b(?:em|dentro de|nas proximas)\s+(?:\d+|vinte e quatro|quarenta e oito|setenta e duas|duas|tres)\s+(?:horas|dias)\b",
            r"\bvoce tem\s+(?:apenas\s+|so\s+)?(?:\d+|duas|tres)\s+(?:horas|dias)\b",
            r"\b(?:prazo|ultimo aviso|ultima chance|contagem regressiva)\b",
            r"\bate (?:amanha|meia-noite|hoje a noite)\b",
        ),
        "secrecy": (
            r"\bnao\s+(?:responda|respondas|conte|contes|diga|fale|contate|entre em contato|procure|chame|avise|informe|denuncie|tente)\b",
            r"\b(?:se|caso)\s+(?:\w+\s+){0,2}?(?:contatar|procurar|chamar|avisar|for a|acionar)\s+(?:a\s+)?policia\b",
            r"\b(?:impossivel de rastrear|nao pode ser rastread\w+)\b",
        ),
    },
    "de": {
        "recorded": (
            r"\b(?:fotos?|bild(?:er|ern)?|videos?|aufnahmen?|aufzeichnung(?:en)?)\s+(?:von|mit)\s+(?:ihnen|dir|dich)\b",
            r"\b(?:ihr|dein|ihren|deinen|ihre|deine)\s+(?:gerat|computer|handy|telefon|e-?mail-?konto|konto|postfach|webcam|kamera|laptop)\s+(?:\w+\s+){0,2}?(?:gehackt|infiziert|ubernommen|kompromittiert)\b",
            r"\b(?:gehackt|trojaner|schadsoftware|malware|spyware|keylogger)\b",
            r"\b(?:webcam|ihre kamera|deine kamera)\b",
            r"\b(?:erwachsenen|porno\w*|sex)[- ]?(?:seiten?|webseiten?|videos?|inhalte?n?)\b",
            r"\b(?:intim\w*|kompromittierend\w*|nackt\w*|sexuell\w*|peinlich\w*)\b",
            r"\b(?:browserverlauf|suchverlauf|browser-verlauf|verlauf ihres browsers)\b",
            r"\b(?:aufgenommen|gefilmt|aufgezeichnet)\b",
            r"\b(?:affare|geliebte|seitensprung)\b",
        ),
        "threat": (
            r"\b(?:werde|werden|wird)\s+(?:\w+\s+){0,6}?(?:senden|schicken|veroffentlichen|verbreiten|weiterleiten|hochladen|teilen|zustellen|zeigen|publik machen)\b",
            r"\b(?:an|allen)\s+(?:alle\s+)?(?:ihre|deine|ihren|deinen|ihrer|deiner)\s+(?:kontakte\w*|kollegen|familie|freunde|frau|mann|partner\w*|wahler\w*|partei\w*|mitarbeiter\w*)\b",
            r"\b(?:ihre|deine)\s+(?:kontakte|kollegen|familie|freunde|wahler)\s+(?:werden|wird)\b",
            r"\b(?:offentlich machen|ins internet stellen|publik machen)\b",
            r"\b(?:karriere|ruf|leben|ehe)\s+(?:\w+\s+)?(?:zerstor\w*|ruinier\w*|beend\w*)\b",
            r"\b(?:bereuen|weh tun|etwas antun)\b",
        ),
        "payment": (
            rf"\b(?:zahlen|zahlst|bezahlen|uberweisen|uberweise|uberweisung|senden sie|schicken sie|uberweisen sie)\b{_GAP}{{0,60}}?(?:{_MONEY}|euro)",
            rf"{_MONEY}{_GAP}{{0,40}}?\b(?:zahlen|bezahlen|uberweisen|senden|schicken)\b",
            r"\b(?:bitcoin|btc|krypto\w*|usdt)[- ]?(?:adresse|wallet|geldborse)\b",
            r"\b(?:losegeld|schweigegeld)\b",
            rf"\bbetrag\s*:\s*[^\n]{{0,20}}?(?:{_MONEY}|euro)",
        ),
        "deadline": (
            r"\b(?:innerhalb|binnen)\s+(?:von\s+)?(?:\d+|vierundzwanzig|achtundvierzig|zweiundsiebzig|zwei|drei)\s*(?:stunden|std|h|tagen|tage)\b",
            r"\b(?:sie haben|du hast)\s+(?:nur\s+)?(?:\d+|zwei|drei)\s+(?:stunden|tage)\b",
            r"\b(?:frist|countdown|letzte warnung|letzte chance|die zeit lauft)\b",
            r"\bbis (?:morgen|mitternacht|heute abend)\b",
        ),
        "secrecy": (
            r"\b(?:antworten|erzahlen|sagen|informieren|kontaktieren|wenden|gehen|rufen|melden)\s+(?:sie|du)\b[^.\n]{0,40}?\b(?:nicht|niemandem|niemand|keinem)\b",
            r"\b(?:nicht|niemals)\s+(?:antworten|an die polizei|zur polizei)\b",
            r"\b(?:polizei)\s+(?:einschalten|informieren|kontaktieren|rufen)\b",
            r"\bnicht (?:zuruckverfolg\w*|verfolgbar|nachverfolg\w*)\b",
        ),
    },
    "fr": {
        "recorded": (
            r"\b(?:photos?|videos?|images?|enregistrements?)\s+(?:de vous|de toi|ou vous|ou tu|intimes?|compromettant\w*)\b",
            r"\b(?:vous|t)\s*'?\s*(?:ai|avons)\s+(?:filme|enregistre|photographie)\w*\b",
            r"\b(?:pirate|hacke|infecte|pris le controle d[eu]|acces (?:total |complet )?a)\s+(?:de\s+)?(?:votre|ton|ta)\s+(?:appareil|ordinateur|telephone|camera|webcam|compte|messagerie)\b",
            r"\b(?:webcam|votre camera|ta camera)\b",
            r"\b(?:sites?|videos?|contenus?)\s+(?:pour adultes|porno\w*|x)\b",
            r"\b(?:intimes?|compromettant\w*|nue?s?\b|sexuel\w*|explicite\w*|embarrassant\w*)",
            r"\bhistorique de navigation\b",
            r"\b(?:logiciel malveillant|malware|cheval de troie|trojan|logiciel espion)\b",
            r"\b(?:liaison|maitresse|infidelite)\b",
        ),
        "threat": (
            r"\b(?:j'enverrai|nous enverrons|enverrai|publierai|publierons|diffuserai|diffuserons|partagerai|transmettrai|devoilerai|mettrai en ligne|exposerai)\b",
            r"\b(?:vos|tes)\s+(?:contacts|collegues|proches|famille|amis|electeurs|enfants)\b[^.\n]{0,30}?\b(?:verront|recevront|sauront|apprendront)\b",
            r"\b(?:sera|seront)\s+(?:publie\w*|envoye\w*|diffuse\w*|rendu\w* public\w*|transmis\w*)\b",
            r"\b(?:rendre|rendrai)\s+(?:tout\s+|cela\s+)?public\w*\b",
            r"\b(?:detruire|ruiner|briser)\s+(?:votre|ta)\s+(?:carriere|reputation|vie|famille)\b",
            r"\b(?:vous le regretterez|tu le regretteras|vous faire du mal)\b",
            r"\b(?:a|chez)\s+(?:tous\s+)?(?:vos|votre|tes|ta|ton)\s+(?:contacts|collegues|proches|famille|amis|electeurs|epouse|mari)\b",
            r"\b(?:a|chez)\s+tous\s+les\s+(?:journalistes|medias)\b",
        ),
        "payment": (
            rf"\b(?:payez|payer|paie|virez|virer|envoyez|envoyer|transferez|transferer|versez|verser)\b{_GAP}{{0,60}}?(?:{_MONEY}|euros)",
            r"\b(?:adresse|portefeuille)\s+(?:bitcoin|btc|crypto\w*|usdt)\b",
            r"\b(?:rancon|prix de mon silence)\b",
            rf"\bmontant\s*:\s*[^\n]{{0,20}}?(?:{_MONEY}|euros)",
        ),
        "deadline": (
            r"\b(?:dans les|sous|d'ici|en)\s+(?:\d+|vingt-quatre|quarante-huit|soixante-douze|deux|trois)\s*(?:heures|h|jours)\b",
            r"\b(?:vous avez|tu as)\s+(?:seulement\s+)?(?:\d+|deux|trois)\s+(?:heures|jours)\b",
            r"\b(?:delai|date limite|compte a rebours|dernier avertissement|derniere chance)\b",
            r"\b(?:avant|jusqu'a) (?:demain|minuit|ce soir)\b",
        ),
        "secrecy": (
            r"\bne\s+(?:\w+\s+)?(?:repondez|reponds|dites|dis|parlez|parle|contactez|contacte|prevenez|previens|montrez|essayez)\s+(?:pas|rien|a personne)\b",
            r"\bn'en\s+parlez\s+a\s+personne\b",
            r"\b(?:si vous|si tu)\s+(?:\w+\s+){0,2}?(?:contactez|contactes|prevenez|previens|allez|vas|appelez)\s+(?:a\s+)?(?:la\s+)?police\b",
            r"\b(?:intracable|impossible a tracer|ne peut pas etre trace)\b",
        ),
    },
    "it": {
        "recorded": (
            r"\b(?:foto|video|immagini|registrazion[ei])\s+(?:di te|di lei|tue|sue|intim\w+|compromettent\w*)\b",
            r"\b(?:ti|la|l')\s*(?:ho|abbiamo)\s+(?:filmat\w+|registrat\w+|ripres\w+)\b",
            r"\b(?:hackerato|violato|infettato|preso il controllo)\s+(?:del|il|la|il tuo|la tua|del tuo|della tua|il suo|la sua)?\s*(?:dispositivo|computer|telefono|cellulare|webcam|fotocamera|account|posta)\b",
            r"\b(?:webcam|la tua fotocamera)\b",
            r"\b(?:siti|video|contenuti)\s+(?:per adulti|porno\w*|hard)\b",
            r"\b(?:intim\w+|compromettent\w+|nud[oaie]|sessual\w*|esplicit\w*|imbarazzant\w+)\b",
            r"\bcronologia (?:di navigazione|del browser)\b",
            r"\b(?:malware|trojan|cavallo di troia|spyware)\b",
            r"\b(?:relazione segreta|amante|tradimento)\b",
        ),
        "threat": (
            r"\b(?:inviero|invieremo|mandero|pubblichero|pubblicheremo|condividero|diffondero|inoltrero|spediro|mostrero)\b",
            r"\b(?:i tuoi|i suoi|tuoi|suoi)\s+(?:contatti|colleghi|familiari|amici|elettori|figli)\b[^.\n]{0,30}?\b(?:vedranno|riceveranno|sapranno)\b",
            r"\b(?:sara|saranno)\s+(?:pubblicat\w+|inviat\w+|diffus\w+|res\w+ pubblic\w+)\b",
            r"\brender(?:e|o|lo|la|li)\s+pubblic\w+\b",
            r"\b(?:distruggere|rovinare|distruggero|rovinero)\s+(?:la tua|la sua)\s+(?:carriera|reputazione|vita|famiglia)\b",
            r"\b(?:te ne pentirai|farti del male)\b",
            r"\b(?:ai|alla|alle|a)\s+(?:tutti\s+i\s+)?(?:tuoi|tua|tue|suoi|sua)\s+(?:contatti|colleghi|famiglia|familiari|amici|elettori|moglie|marito)\b",
            r"\ba\s+tutti\s+i\s+giornalisti\b",
        ),
        "payment": (
            rf"\b(?:paga|paghi|pagare|trasferisci|trasferisca|trasferire|invia|invii|inviare|versa|versi|versare)\b{_GAP}{{0,60}}?(?:{_MONEY}|euro|dollari)",
            r"\b(?:indirizzo|portafoglio|wallet)\s+(?:bitcoin|btc|cripto\w*|usdt)\b",
            r"\b(?:riscatto|prezzo del (?:mio )?silenzio)\b",
            rf"\bimporto\s*:\s*[^\n]{{0,20}}?(?:{_MONEY}|euro|dollari)",
        ),
        "deadline": (
            r"\b(?:entro|tra|in)\s+(?:le\s+prossime\s+)?(?:\d+|ventiquattro|quarantotto|settantadue|due|tre)\s*(?:ore|h|giorni)\b",
            r"\b(?:hai|ha)\s+(?:solo\s+)?(?:\d+|due|tre)\s+(?:ore|giorni)\b",
            r"\b(?:scadenza|conto alla rovescia|ultimo avviso|ultima possibilita)\b",
            r"\b(?:entro|fino a) (?:domani|mezzanotte|stasera)\b",
        ),
        "secrecy": (
            r"\bnon\s+(?:rispondere|risponda|dirlo|dire|parlare|parlarne|contattare|contatti|chiamare|avvisare|avvisi|informare|denunciare|provare)\b",
            r"\b(?:se|qualora)\s+(?:\w+\s+){0,2}?(?:contatti|chiami|avvisi|vai|contatta|chiama|avvisa|va|ti rivolgi)\s+(?:alla\s+)?polizia\b",
            r"\b(?:non rintracciabile|impossibile da rintracciare)\b",
        ),
    },
    "ja": {
        "recorded": (
            r"(?:あなた|貴方|貴殿|お前)の(?:写真|動画|映像|画像|ビデオ|裸)",
            r"(?:動画|映像|写真|画像)を(?:撮影|録画|保存|入手)",
            r"(?:撮影|録画|盗撮)(?:しました|した|済み)",
            r"(?:ハッキング|乗っ取|侵入しました|マルウェア|ウイルスに感染|トロイの木馬|スパイウェア|遠隔操作)",
            r"(?:ウェブカメラ|webカメラ|インカメラ)",
            r"(?:アダルト|成人向け|ポルノ|出会い系)",
            r"(?:閲覧履歴|ブラウザ履歴|検索履歴)",
            r"(?:わいせつ|恥ずかしい|性的な|不倫|浮気)",
        ),
        "threat": (
            r"(?:連絡先|同僚|家族|友人|知人|有権者|支持者|マスコミ|報道機関|メディア|sns|ネット上|インターネット)(?:の全員|全員|すべて)?(?:に|へ|で)(?:送|公開|拡散|知ら|ばら|晒|暴露|流)",
            r"(?:公開|拡散|暴露|流出|送信)(?:します|いたします|する|される|させ)",
            r"(?:人生|キャリア|評判|名誉|政治生命|家庭)(?:が|を|は)?(?:終わ|台無し|破滅|失|壊)",
        ),
        "payment": (
            r"(?:送金|支払|振込|振り込|入金)[^。\n]{0,30}?(?:ビットコイン|btc|仮想通貨|暗号資産|usdt|\d[\d,.]{0,24}\s*(?:円|万円|ドル|usd|btc))",
            r"(?:ビットコイン|btc|仮想通貨|暗号資産|暗号通貨|usdt)[^。\n]{0,20}?(?:アドレス|ウォレット|送金|支払)",
            r"(?:口止め料|身代金)",
        ),
        "deadline": (
            r"\d+\s*(?:時間|日)(?:以内|内)",
            r"(?:期限|締め切り|締切|猶予|タイムリミット|カウントダウン|最後の警告|最終通告)",
            r"(?:明日|今夜|今日|本日)(?:中|まで)",
        ),
        "secrecy": (
            r"(?:返信|返事|誰にも|警察|通報|相談)(?:は)?(?:しない|するな|しないで|話さ|言わ|しても無駄|すれば|した場合|したら)",
            r"(?:誰にも)(?:言わ|話さ|相談)",
            r"追跡(?:できません|不可能|は不可能)",
        ),
    },
    "zh": {
        "recorded": tuple(
            _zh(p)
            for p in (
                r"(?:你|您)的(?:照片|相片|视频|影片|录像|裸照|私密|不雅|亲密)",
                r"(?:偷拍|偷录|拍下|录下|录到|拍到)",
                r"(?:入侵|黑进|黑客|骇入|控制了|木马|恶意软件|间谍软件|病毒)",
                r"(?:摄像头|镜头)",
                r"(?:色情|成人网站|不雅|裸照|裸体|私密|性爱|隐私|婚外情|情妇|外遇)",
                r"(?:浏览记录|浏览历史)",
                r"我(?:手上|手里|这里)?有(?:你|您)的",
            )
        ),
        "threat": tuple(
            _zh(p)
            for p in (
                r"(?:发给|发送给|寄给|传给|公开给|转发给|分享给|交给)",
                r"(?:同事|家人|家属|亲属|朋友|亲友|选民|记者|媒体|传媒|报社|党友|议员|通讯录|联系人)(?:都)?(?:会)?(?:收到|看到|知道)",
                r"(?:公开|公布|曝光|散播|发布|上传|流出)(?:到|在|给|出去)",
                r"(?:身败名裂|前途尽毁|毁掉你|毁了你|让你后悔)",
            )
        ),
        "payment": tuple(
            _zh(p)
            for p in (
                r"(?:支付|付款|转账|汇款|转到|转入|打款|付)[^。\n]{0,20}?(?:比特币|btc|usdt|以太坊|eth|加密货币|虚拟货币|美元|港元|港币|\d)",
                r"(?:比特币|btc|usdt|泰达币|加密货币|虚拟货币)[^。\n]{0,10}?(?:钱包|地址)",
                r"(?:转到|转入|存入|汇到)[^。\n]{0,10}?(?:钱包|账户|地址)",
                # a wallet address named as such is every crypto mail's; a label that
                # introduces one ("钱包地址：") is a demand's, as "wallet:" is in English.
                # A payment or receiving address ("收款地址为 ...") is a demand's as it stands.
                # The label may name its coin or say "as follows" ("钱包地址（BTC）：").
                r"钱包地址(?:\s*\([^)\n]{0,12}\)|如下)?\s*:|(?:付款地址|收款地址|封口费|赎金)",
            )
        ),
        "deadline": tuple(
            _zh(p)
            for p in (
                r"\d+\s*(?:小时|天|日)(?:内|之内|以内)",
                r"(?:二十四|四十八|七十二|一|两|三)(?:小时|天)(?:内|之内)",
                r"(?:期限|限期|最后通知|最后通牒|倒计时)",
                r"(?:今晚|明天|今日|今天)(?:之前|前|内)",
            )
        ),
        "secrecy": tuple(
            _zh(p)
            for p in (
                r"(?:不要|别|切勿|不准|不许|不得)(?:报警|回复|告诉|联系|声张|找警察|通知)",
                r"(?:如果|若|一旦)(?:你)?(?:报警|告诉任何人)",
                r"(?:无法|不能)(?:追踪|追查)",
            )
        ),
    },
}

# Demands phrased without the usual verbs, in every language: the terse note ("$500 in BTC.
# 48 h. Otherwise the pictures go out.") and the polite reminder ("the material in my
# possession ... I shall, with regret, forward it"). Each is the construction, not a
# campaign's sentence: a consequence clause ("otherwise", "sonst", "不然") in which the
# material leaves or reaches the reader's circle; a threat softened by reluctance ("no
# choice but to", "gezwungen", "やむを得ず") before a verb of sending; material held ("in my
# possession", "die mir vorliegen", "手元にある"); a duration or an amount in a coin
# standing as a sentence of its own; "no later than". Written from the letters of
# training/ and their languages' grammar; no measuring corpus chose them.
_COIN = r"(?:bitcoins?|btc|usdt|tether|eth|ether|ethereum|litecoin|ltc|monero|xmr|ビットコイン|イーサリアム|比特币|比特幣|以太坊|以太幣|泰达币|泰達幣)"
_AMOUNT = r"(?:(?:\$|€|£|¥|r\$|us\$|港幣|港币|人民币|人民幣)\s?\d[\d,. ]{0,12}|\d[\d,. ]{0,12}\s?(?:\$|€|£|usd|eur|dollars?|dolares|dollari|euros?|reais|円|万円|ドル|米ドル|美元|美金|港元|港幣|港币|元))"
# A sentence that is only an amount and its coin ("$500 in BTC.", "bitcoin, 950 dolares.",
# "800ドル、usdt。"): the demand of a terse note.
_AMOUNT_IN_COIN = rf"(?:^|(?<=[.!?\u3002\n])\s*)(?:{_COIN}[,、，]?\s*{_AMOUNT}|{_AMOUNT}\s*(?:in|en|em|,|、|，)?\s*{_COIN}|\d[\d,.]{{0,12}}\s?{_COIN})\s*(?:[.!\u3002\n]|$)"
# A duration standing as a sentence of its own ("48 h.", "72 Stunden.", "12 ore.", "48時間。").
_BARE_HOURS = r"(?:^|(?<=[.!?\u3002\n])\s*)(?:限时|限時)?\d{1,3}\s?(?:h|hrs?|hours|stunden|std|horas|heures|ore|時間|小时|小時)\s*(?:[.!\u3002\n]|$)"
_MATERIAL = r"(?:recordings?|videos?|footage|photos?|photographs?|pictures?|pics|images?|clips?|material|files|aufnahmen?|aufzeichnung(?:en)?|fotos|fotografien|bilder|grabacion(?:es)?|fotografias|imagen(?:es)?|grava(?:cao|coes)|image(?:m|ns)|enregistrements?|registrazion[ei]|immagini|foto|filmati)"

_CLAUSES: dict[str, dict[str, tuple[str, ...]]] = {
    # shared by every language (every pattern runs on every message), so written once
    "any": {"payment": (_AMOUNT_IN_COIN,), "deadline": (_BARE_HOURS,)},
    "en": {"deadline": (r"\bno later than\b",)},
    "de": {"deadline": (r"\bspatestens\b",)},
    "es": {"deadline": (r"\ba mas tardar\b",)},
    "pt": {"deadline": (r"\bno maximo ate\b|\bate no maximo\b",)},
    "fr": {"deadline": (r"\bau plus tard\b",)},
    "it": {"deadline": (r"\bentro e non oltre\b",)},
    "ja": {"deadline": (r"[月火水木金土日]曜(?:日)?(?:の)?(?:夜|朝|正午|昼|夕方)?まで",)},
    "zh": {"deadline": (_zh(r"(?:限时|最迟|最晚)"),)},
}
# The writer's own acts in the first person: a threat softened by reluctance ("I will have
# no choice but to forward", "bleibt mir nichts anderes übrig, als ... zu schicken",
# "やむを得ず...お送りいたします") and the material he holds ("in my possession", "die mir
# vorliegen", "手元にある"). Said to the reader by their own words, like a demand: the
# polite reminder names the reader once, at its top, and these sentences never.
_FIRST_PERSON: dict[str, tuple[str, ...]] = {
    "threat": (
        # the words between the commas must be the reluctance: "I will, of course, send you
        # the slides" is every office's sentence
        r"\b(?:i|we)\s+(?:will|shall)\s*,\s*(?:\w+\s+){0,3}?(?:regret|regretfully|reluctantly|reluctance|unfortunately|sadly|heart|pleasure)\s*,\s*(?:send|share|leak|release|publish|post|forward|distribute|expose|pass)\b",
        r"\b(?:i|we)\s+(?:will|shall|would)?\s*(?:have no (?:other )?choice but to|be forced to|be obliged to|be compelled to)\s+(?:\w+\s+){0,2}?(?:send|share|forward|publish|release|leak|post|pass)\b",
        r"\b(?:ich (?:bin|sehe mich|ware) gezwungen|(?:bleibt|bliebe) mir nichts anderes ubrig|(?:ich habe|habe ich) keine andere wahl|bleibt mir nur)\b[^.\n]{0,80}?(?:\bzu (?:schicken|senden|veroffentlichen|verbreiten|ubergeben|zeigen)|weiterzuleiten|zuzuschicken|zuzustellen)\b",
        r"\b(?:me vere obligad[oa] a|no me quedara (?:otra opcion|mas remedio) que|no tendre (?:otra opcion|mas remedio) que)\s+(?:\w+\s+){0,2}?(?:enviar|mandar|publicar|reenviar|difundir|compartir)\b|\blamentablemente\s+(?:enviare|mandare|publicare|reenviare|difundire|compartire)\b",
        r"\b(?:serei obrigad[oa] a|ver-me-ei obrigad[oa] a|nao terei outra (?:escolha|opcao) (?:a nao ser|senao|que nao seja))\s+(?:\w+\s+){0,2}?(?:enviar|mandar|encaminhar|publicar|divulgar|compartilhar)\b|\b(?:lamentavelmente|infelizmente)\s+(?:enviarei|mandarei|encaminharei|publicarei|divulgarei)\b",
        r"\b(?:je serai (?:contraint|oblige)e? d[e']|je n'aurai (?:pas )?d'autre choix que d[e'])\s*(?:\w+\s+){0,2}?(?:envoyer|transmettre|publier|diffuser|partager)\b|\ba regret,?\s+(?:j'enverrai|je transmettrai|je publierai|je diffuserai)\b",
        r"\b(?:saro costrett[oa] a|non avro altra scelta che)\s+(?:\w+\s+){0,2}?(?:inviare|inoltrare|pubblicare|diffondere|condividere)\b|\b(?:mio malgrado|a malincuore|purtroppo)\s+(?:inviero|inoltrero|pubblichero|mandero|diffondero)\b",
        r"(?:やむを得ず|仕方なく)[^。\n]{0,30}?(?:転送|送付|送信|公開|提供|送り)",
        _zh(
            r"我(?:只好|只能|不得不|会被迫|將被迫|将被迫)[^。\n]{0,20}?(?:发给|寄给|转发|公开|曝光|交给)"
        ),
    ),
    "recorded": (
        rf"\b{_MATERIAL}\s+(?:\w+\s+){{0,4}}?(?:in my possession|(?:that |which )?i (?:hold|possess|am holding))\b",
        rf"\b{_MATERIAL}\b[^.\n]{{0,30}}?\b(?:in meinem besitz|die mir vorliegen|die ich besitze)\b",
        rf"\b{_MATERIAL}\b[^.\n]{{0,30}}?\b(?:(?:obran|estan|tengo) en mi poder|en mi posesion)\b",
        rf"\b{_MATERIAL}\b[^.\n]{{0,30}}?\b(?:em meu poder|em minha posse|que (?:eu )?tenho (?:comigo|guardad\w+))\b",
        rf"\b{_MATERIAL}\b[^.\n]{{0,30}}?\b(?:en ma possession|que je detiens|que je possede)\b",
        rf"\b{_MATERIAL}\b[^.\n]{{0,30}}?\b(?:in mio possesso|in mano mia|che (?:io )?detengo|che possiedo)\b",
        r"(?:手元にある|手元の|私が保有する|私が所持している)[^。\n]{0,20}?(?:録画|動画|映像|写真|画像)",
    ),
}

# The consequence clause of a demand: what happens to the material, or who sees it, if the
# reader does not pay ("otherwise the pictures go out", "sonst kriegen Ihre Kollegen sie",
# "不然通讯录每个人都会收到"). Said to the reader by its own words, as a demand is, so it
# needs no "you" in its sentence: prose lifted as filler does not threaten in this form.
# "else" and "sonst" open the clause only after a stop or a comma ("what else your friends
# get", "was sonst Ihre Kollegen sagen" are no consequence). Grammar, not a measured figure.
# The circle must receive the material, not miss something: "否则您的家人将无法收到包裹" and
# "さもなければご家族にお届けできません" are a parcel phish's consequence.
# A bare "or" ("o", "ou") opens a consequence only before a determiner or a verb; right before
# a material noun it joins two nouns ("photos or videos shared with friends"). Grammar, not a
# measured figure.
_NOT_A_NOUN = rf"(?!,?\s+{_MATERIAL}\b)"
_CONSEQUENCES: tuple[str, ...] = (
    # en
    r"\b(?:otherwise|or else|(?:(?<=[,;:.!?\n])|(?<=[,;:.!?\n] )|^)else|if not)\b,?[^.\n]{0,60}?\b(?:everyone|everybody|your (?:wife|husband|family|colleagues|contacts|voters|friends|boss|list|party|children))\b[^.\n]{0,30}?\b(?:gets?|sees?|receives?|will (?:get|see|receive|know))\b",
    rf"\b(?:otherwise|or else|(?:(?<=[,;:.!?\n])|(?<=[,;:.!?\n] )|^)else|if not|or{_NOT_A_NOUN})\b,?\s+(?:\w+\s+){{0,3}}?(?:the\s+)?{_MATERIAL}\s+(?:go(?:es)? (?:out|public|online|viral)|(?:will )?(?:be )?(?:sent|published|released|leaked|posted|shared))\b",
    # de
    r"\b(?:(?:(?<=[,;:.!?\n])|(?<=[,;:.!?\n] )|^)sonst|andernfalls|ansonsten|wenn nicht)\b[^.\n]{0,60}?\b(?:(?:ihre|deine|ihren|deinen|ihrer|deiner|ihr|dein)\s+(?:kollegen|familie|frau|mann|kontakte\w*|wahler\w*|freunde|partei\w*|chef\w*|liste)|die presse)\b",
    rf"\b(?:(?:(?<=[,;:.!?\n])|(?<=[,;:.!?\n] )|^)sonst|andernfalls|ansonsten)\b\s+(?:gehen|geht|kommen|kommt|landen|landet)\s+(?:die\s+|das\s+)?{_MATERIAL}\s+(?:raus|hinaus|online|ins netz|an die offentlichkeit)\b",
    # es
    r"\b(?:si no|de lo contrario|en caso contrario)\b,?[^.\n]{0,60}?\b(?:(?:sus|tus|su|tu)\s+(?:colegas|familia|esposa|marido|contactos|votantes|amigos|agenda)|todo el mundo)\b",
    rf"\b(?:si no|de lo contrario|en caso contrario|o{_NOT_A_NOUN})\b,?\s+(?:las\s+|los\s+|el\s+|la\s+)?{_MATERIAL}\s+(?:salen|saldran|se publican|se publicaran|se difunden|circularan|iran)\b",
    # pt
    r"\b(?:senao|caso contrario|do contrario)\b,?[^.\n]{0,60}?\b(?:seus|suas|sua|seu|teus|tuas|tua|teu)\s+(?:colegas|familia|mulher|marido|contatos|eleitores|amigos|agenda)\b",
    rf"\b(?:senao|caso contrario|do contrario|ou{_NOT_A_NOUN})\b,?\s+(?:as\s+|os\s+|o\s+|a\s+)?{_MATERIAL}\s+(?:saem|vao sair|sairao|serao publicad\w+|vao para|circulam|vao circular)\b",
    # fr
    r"\b(?:sinon|a defaut|faute de quoi)\b,?[^.\n]{0,60}?\b(?:(?:vos|votre|tes|ton|ta)\s+(?:collegues|famille|epouse|femme|mari|contacts|carnet|electeurs|amis)|tout le monde)\b",
    rf"\b(?:sinon|ou{_NOT_A_NOUN})\b,?\s+(?:les\s+|la\s+|le\s+)?{_MATERIAL}\s+(?:sortent|sortiront|partent|partiront|circulent|circuleront|seront (?:publie|envoye|diffuse)\w*)\b",
    # it
    r"\b(?:altrimenti|se no|in caso contrario)\b,?[^.\n]{0,60}?\b(?:tuoi|tua|suoi|sua|tue|sue)\s+(?:colleghi|famiglia|moglie|marito|contatti|rubrica|elettori|amici)\b",
    rf"\b(?:altrimenti|o{_NOT_A_NOUN})\b,?\s+(?:le\s+|il\s+|i\s+|la\s+)?{_MATERIAL}\s+(?:escono|usciranno|girano|gireranno|finiscono|finiranno|saranno (?:pubblicat|inviat|diffus)\w*)\b",
    # ja
    r"(?:でなければ|さもなければ|さもないと|そうでなければ)[^。\n]{0,40}?(?:送り|送信|公開|拡散|流出|晒|(?:連絡先|同僚|家族|奥様|妻|夫|友人|有権者|全員)[^。\n]{0,12}?届(?!きません|かない|けできません|けられません))",
    _zh(
        r"(?:不然|否则|要不然)[^。\n]{0,30}?(?:(?:发|传|流|散)出去|发给|公开|曝光|(?:同事|家人|老婆|老公|妻子|丈夫|朋友|选民|通讯录|每个人|所有人)(?:(?!无|不|没|未)[^。\n]){0,10}?(?:收到|看到|知道))"
    ),
)

_SAID: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (group, re.compile(pattern))
    for group, patterns in (
        ("threat", (*_FIRST_PERSON["threat"], *_CONSEQUENCES)),
        ("recorded", _FIRST_PERSON["recorded"]),
    )
    for pattern in patterns
)
_SPOKEN_BY_THEIR_WORDS = frozenset(pattern for _, pattern in _SAID)
_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = (
    *(
        (group, re.compile(pattern))
        for table in (_PATTERNS, _CLAUSES)
        for groups in table.values()
        for group, patterns in groups.items()
        for pattern in patterns
    ),
    *_SAID,
)


# Money words as they stand alone: an amount with its currency, a coin's name. Bounded by
# letters (not \b) so "$" and "€" count and "eth" inside "method" does not.
_MONEY_WORD = re.compile(rf"(?<![a-z]){_MONEY}(?![a-z])")
_PAYMENT = tuple(pattern for group, pattern in _COMPILED if group == "payment")


def blank_payment(skeleton: str) -> str:
    """The skeleton with every payment phrase and money word blanked (pure).

    What the text model reads: every bank, parcel and investment mail asks for money in
    the words extortion uses, so a model that reads them learns that asking for money is
    extortion and flags the next investment scam it has not seen. The demand is left to
    the payment and wallet cues, which the combiner weighs with exposure."""
    skeleton = _cap_runs(skeleton)
    for pattern in _PAYMENT:
        skeleton = pattern.sub(" ", skeleton)
    return _MONEY_WORD.sub(" ", skeleton)


def _cap_runs(skeleton: str) -> str:
    """No cue needs a run of more than 24 digits or blanks; capping them keeps every
    pattern linear on hostile text (a 50,000-digit line stalled the deadline patterns)."""
    skeleton = re.sub(r"\d{25,}", lambda m: m.group(0)[:24], skeleton)
    return re.sub(r"\s{25,}", " ", skeleton)


# "A few sentences": threat, recorded act, payment and deadline of one demand sit within
# this many characters of each other in every letter we have read; words of those kinds
# scattered through kilobytes of filler do not. Written from the letters in training/,
# not tuned on any measuring corpus.
PASSAGE_CHARS = 700
_MAX_MATCHES = 32  # per pattern: enough to find the passage, bounded on hostile text


# Words that address the reader, per language. A demand speaks to its reader; prose lifted
# from news or novels as filler speaks of third persons, so a passage without any of these
# is not counted however many cue words it holds.
_READER_WORDS = (
    r"\b(?:you|your|yours|yourself|u|ur)\b"
    r"|\b(?:usted|ustedes|tu|tus|te|ti|contigo|vos)\b"
    r"|\b(?:voce|voces|teu|tua|teus|tuas|lhe|seu|sua|seus|suas)\b"
    r"|\b(?:ihnen|ihr|ihre|ihren|ihrem|ihrer|du|dich|dir|dein|deine|deinen|deinem|deiner)\b"
    r"|\b(?:vous|votre|vos|toi|ton|ta|tes)\b"
    r"|\b(?:tuo|tuoi|tue|lei|suo|suoi|sue|voi|vostro|vostra)\b"
    r"|あなた|貴方|貴殿|お前|様|さん|君|你|您"
)
# German "Sie" (you) is "sie" (they, she) once case-folded; after a conjunction or an
# article it is nearly always they ("wenn sie nicht zahlten"), after a verb it is you.
# Used only where the original's case says nothing (see mask_third_person).
_SECOND_PERSON = re.compile(
    _READER_WORDS
    + r"|(?<!\bwenn )(?<!\bdass )(?<!\bob )(?<!\bweil )(?<!\bals )(?<!\bda )(?<!\bdie )"
    r"(?<!\bund )(?<!\boder )(?<!\bnachdem )(?<!\bsobald )(?<!\bdamit )(?<!\bwo )\bsie\b"
)
# On a skeleton whose German third persons were masked while the case was still there
# (mask_third_person), every "sie" left is the reader's "Sie".
_SECOND_PERSON_CASED = re.compile(_READER_WORDS + r"|\bsie\b")

# German capitalises the reader's pronouns (Sie, Ihr, Ihnen, Ihre...) and writes the third
# person's (sie, ihr, ihnen, ihre: she, they, her, their) in lower case; the skeleton folds
# both into one. News or novels lifted as filler retell third persons, so their "sie" must
# not address the reader. Grammar of German, not a measured figure.
_GERMAN_THIRD_PERSON = re.compile(r"\b(?:sie|ihr|ihre|ihren|ihrem|ihrer|ihres|ihnen)\b")


def mask_third_person(text: str) -> str | None:
    """`text` with its lower-case German third-person pronouns made into no word (same
    length, so its skeleton lines up with the unmasked one), or None when the text's case
    says nothing: no capital letter, or no small one."""
    if not any(ch.isupper() for ch in text) or not any(ch.islower() for ch in text):
        return None
    return _GERMAN_THIRD_PERSON.sub(lambda m: "q" * len(m.group()), text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """The cues that fell together in one passage addressed to the reader, and those found
    only elsewhere."""

    cues: tuple[Cue, ...]  # the best passage's cue groups, in TEXT_GROUPS order, then wallet
    scattered: tuple[Cue, ...]  # groups that fired only outside it: reported, not counted
    # The passage's own text (its first to its last counted cue, and PASSAGE_CHARS / 2 each
    # side), where a retelling's "he demanded" stands beside the demand it retells.
    text: str = ""


# A price list ("BTC $95,000. ETH $3,100. 24 h."): two or more coins each followed by its
# price, a few characters apart. A demand names one coin and its sum; a newsletter's ticker
# names several, and its "24 h." is the period of a price change, not a deadline. Payment
# and deadline matches inside one are not cues. Grammar of the two kinds of text, written
# from the review's example; no bench figure chose the reach.
_PRICE = re.compile(rf"(?<![a-z])(?P<coin>{_COIN})(?:\s*/\s*(?:usd|eur)\w?)?\s*[:=]?\s*{_AMOUNT}")
_PRICE_REACH = 60  # from one price to the next in one list
_PERIOD_REACH = 20  # what follows the last price: its "24 h."
# One coin under its several names: "Bitcoin $1500 or BTC $1500" names one coin, not a list.
_COIN_NAMES = {
    "bitcoin": "btc", "bitcoins": "btc", "比特币": "btc", "比特幣": "btc", "ビットコイン": "btc",
    "ether": "eth", "ethereum": "eth", "以太坊": "eth", "以太幣": "eth", "イーサリアム": "eth",
    "tether": "usdt", "泰达币": "usdt", "泰達幣": "usdt", "litecoin": "ltc", "monero": "xmr",
}  # fmt: skip


def _price_lists(skeleton: str) -> list[tuple[int, int]]:
    """Spans of the skeleton that are price lists of several coins, first price to last."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for match in [*_PRICE.finditer(skeleton), None]:
        if match is not None and run and match.start() - run[-1].end() <= _PRICE_REACH:
            run.append(match)
            continue
        coins = {_COIN_NAMES.get(m.group("coin"), m.group("coin")) for m in run}
        if len(coins) >= 2:
            spans.append((run[0].start(), run[-1].end()))
        run = [match] if match is not None else []
    return spans


def _in_price_list(
    group: str, pattern: re.Pattern[str], match: re.Match[str], tickers: list[tuple[int, int]]
) -> bool:
    """A payment inside a price list, or a bare duration ("24 h.") in it or just after it:
    the ticker's, no cue. A demand that quotes the prices and then asks ("BTC $95,000, ETH
    $3,100. Pay $1,500 in BTC") or sets its time ("... within 24 hours") still does."""
    if group == "payment":
        return any(a <= match.start() < b for a, b in tickers)
    if group == "deadline" and pattern.pattern == _BARE_HOURS:
        return any(a <= match.start() < b + _PERIOD_REACH for a, b in tickers)
    return False


def find_passage(
    skeleton: str, wallets: Sequence[str] = (), *, reader: str | None = None
) -> Passage:
    """Every cue match, then the window of PASSAGE_CHARS holding the most distinct groups.

    `wallets` (the indicator extractor's addresses) that stand in the text are cues of
    group "wallet" where they stand, so a wallet counts with a threat only when the two
    are in one passage: an investment spam's wallet and a news story about sextortion
    pasted under it are not a demand with a threat. A wallet not in the text (read from a
    QR code, say) is left to the caller. `reader`, the skeleton of the same text with its
    German third persons masked (mask_third_person), says who is addressed where the case
    told it; it must line up with `skeleton` character for character."""
    skeleton = _cap_runs(skeleton)
    reader = _cap_runs(reader) if reader is not None else None
    address = _Address(skeleton, reader if reader and len(reader) == len(skeleton) else None)
    tickers = _price_lists(skeleton)
    matches: list[tuple[int, str, re.Match[str]]] = []
    for group, pattern in _COMPILED:
        for n, match in enumerate(pattern.finditer(skeleton)):
            if n >= _MAX_MATCHES:
                break
            if group == "payment" and _warned_off(skeleton, match):
                continue
            if _in_price_list(group, pattern, match, tickers):
                continue
            matches.append((match.start(), group, match))
    for wallet in dict.fromkeys(w.casefold() for w in wallets if w):
        for n, match in enumerate(re.finditer(re.escape(wallet), skeleton)):
            if n >= _MAX_MATCHES:
                break
            matches.append((match.start(), "wallet", match))
    matches.sort(key=lambda m: (m[0], _PASSAGE_GROUPS.index(m[1])))
    # One cue word is one cue wherever it stands; two or more count together only where
    # each speaks to the reader (a word addressing the reader in its own sentence): a
    # letter's tail and the news pasted after it share a window, but the news does not
    # speak to the reader. A wallet is the demand's instrument, not a sentence: it counts
    # as spoken wherever it stands, and only its place decides what it counts with. The
    # payment and secrecy patterns are demands on the reader by their own words ("send
    # 0.3 btc", "do not contact the police"), imperatives that need no "you"; so is the
    # consequence clause of a demand ("otherwise the pictures go out").
    spoken = [
        g in _SPOKEN or match.re in _SPOKEN_BY_THEIR_WORDS or address.said(match)
        for _, g, match in matches
    ]
    best: dict[str, re.Match[str]] = {}
    end = 0
    for i, (start, _, _) in enumerate(matches):  # windows starting at each match
        while end < len(matches) and matches[end][0] - start <= PASSAGE_CHARS:
            end += 1
        together: dict[str, re.Match[str]] = {}
        for (_, group, match), said in zip(matches[i:end], spoken[i:end], strict=True):
            if said:
                together.setdefault(group, match)
        if len(together) < 2:  # one cue alone counts too; a threat or a recorded act only
            # if it speaks to the reader (news retells both of third persons)
            alone = spoken[i] or matches[i][1] not in _EXPOSURE
            together = {matches[i][1]: matches[i][2]} if alone else {}
        if len(together) > len(best):
            best = together
    first: dict[str, re.Match[str]] = {}
    for _, group, match in matches:
        first.setdefault(group, match)
    text = ""
    if best:
        low = max(0, min(m.start() for m in best.values()) - PASSAGE_CHARS // 2)
        high = max(m.end() for m in best.values()) + PASSAGE_CHARS // 2
        text = skeleton[low:high]
    cues = tuple(
        Cue(group=g, evidence=_evidence(skeleton, best[g])) for g in _PASSAGE_GROUPS if g in best
    )
    scattered = tuple(
        Cue(group=g, evidence=_evidence(skeleton, first[g]))
        for g in _PASSAGE_GROUPS
        if g in first and g not in best
    )
    return Passage(cues=cues, scattered=scattered, text=text)


# A payment verb under a negation is a warning, not a demand ("Nicht zahlen!", "do not
# pay", "也不要付钱"), unless a condition opens its clause: "if you do not pay", "wenn Sie
# nicht zahlen" are the demand's other half. The negation stands before the verb (or after
# it: "zahlen Sie nicht", "支払わないで"); the verb is where the match starts, or its last
# word or end when the amount comes first ("500 Euro ... nicht zahlen").
_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:not|don't|dont|never|nicht|nie|niemals|keinesfalls|auf keinen fall|no|nao|ne|non"
    r"|jamais|nunca|mai)\s+$|(?:不要|别|別|切勿|不用|不必|无需|無需|没有什么要|沒有什麼要)$)"
)
_NEGATED_AFTER = re.compile(
    r"[a-z]+\s+(?:sie\s+|du\s+|ihr\s+)?(?:bitte\s+)?(?:nicht|niemals|keinesfalls|pas|jamais)\b"
    r"|[^。\n]{0,4}?(?:わないで|しないで|わないように|しないように|ないでください)"
)
# "nicht weniger als 0,1 BTC", "pas plus tard que vendredi", "do not send less than": the
# negation bounds the amount or the date, so the demand stands. Grammar, not a measured figure.
_COMPARATIVE = re.compile(
    r"[^.!?\n]{0,30}?\b(?:(?:less|fewer|more|later|weniger|mehr|spater|fruher|moins|plus|menos"
    r"|mas|meno|piu|mais)\s+(?:than|als|de|que|di|do)|plus tard|mas tarde|piu tardi|mais tarde)\b"
)
_CONDITION = re.compile(
    r"\b(?:if|unless|wenn|falls|sollten?|sonst|si|se|caso|qualora|sinon|otherwise)\b"
    r"|如果|若|要是|假如|一旦|否则|否則|不然|なければ|場合"
)


def _warned_off(skeleton: str, match: re.Match[str]) -> bool:
    """Whether a payment match is a negated imperative: a warning not to pay."""
    if _COMPARATIVE.match(skeleton, match.start(), match.start() + 40):
        return False
    last_word = match.start() + max(match.group(0).rfind(" ") + 1, 0)
    for verb in dict.fromkeys((match.start(), last_word, match.end())):
        low = max(0, verb - 60)
        ends = [m.end() for m in _SENTENCE_END.finditer(skeleton, low, verb)]
        before = skeleton[max([low, *ends]) : verb]
        if _CONDITION.search(before):
            continue
        if _NEGATED_BEFORE.search(before) or _NEGATED_AFTER.match(skeleton, verb, verb + 40):
            return True
    return False


# A word addressing the reader counts for a cue within its own sentence (measured on
# letters and the tuned hard negatives: one sentence either side let lifted prose next to
# a letter borrow its "you"), and never further than this many characters.
_ADDRESS_REACH = 240
_ADDRESS_SENTENCES = 0
_ADDRESS_SENTENCES_CJK = 1
_CJK_CUE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# A newline in the skeleton is a paragraph break (classify.judging_text keeps only those).
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f](?=\s|$)|[\u3002\uff01\uff1f]|\n")


@dataclass(frozen=True, slots=True)
class _Address:
    """Where the skeleton speaks to the reader: the skeleton itself, read with the
    case-blind guess at German "sie", or its cased twin when it lines up."""

    skeleton: str
    reader: str | None

    def said(self, match: re.Match[str]) -> bool:
        """Whether the sentences around a cue match speak to the reader."""
        skeleton = self.skeleton
        low = max(0, match.start() - _ADDRESS_REACH)
        high = min(len(skeleton), match.end() + _ADDRESS_REACH)
        before = [m.end() for m in _SENTENCE_END.finditer(skeleton, low, match.start())]
        after = [m.end() for m in _SENTENCE_END.finditer(skeleton, match.end(), high)]
        # Chinese and Japanese drop the pronoun a sentence after naming the reader ("...we
        # know who you are. Otherwise the photos go to the press."): one sentence either side.
        reach = _ADDRESS_SENTENCES_CJK if _CJK_CUE.search(match.group(0)) else _ADDRESS_SENTENCES
        start = before[-1 - reach] if len(before) > reach else low
        end = after[reach] if len(after) > reach else high
        if self.reader is not None:
            return _SECOND_PERSON_CASED.search(self.reader, start, end) is not None
        return _SECOND_PERSON.search(skeleton, start, end) is not None


def _evidence(skeleton: str, match: re.Match[str]) -> str:
    """The match with a little context, so a reader sees the phrase, not one word."""
    start = max(0, match.start() - 15)
    end = min(len(skeleton), match.end() + 15)
    return skeleton[start:end].strip()[:_EVIDENCE_CHARS]


_STOPWORDS = {
    "en": "the and you your that this with have will for are not all what can of to is it or be",
    "es": "el los las que y con por usted una este esta es pero su sus mas como lo del al muy "
    "hasta tengo hay sin tiene estimada estimado en un no si",
    "pt": "os que com para por voce seu sua seus uma este esta nao em do da dos ao um tem tenho "
    "se foi prezada prezado segue",
    "de": "der die das und sie ich nicht mit ist ein eine zu den ihr ihre von im auf sonst es an "
    "sehr",
    "fr": "le la les de du et vous je des que pour pas est une votre avec dans nous sur ne ce "
    "qui au aux sous si un en",
    "it": "il la che di per non sono una tuo tua con del della io hai gli questo ho ti lo se "
    "entro un in",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
# A word several languages share says less: it counts 1/k for each of the k languages.
_WORD_WEIGHT = Counter(w for words in _STOPWORD_SETS.values() for w in words)
_WORD = re.compile(r"[a-z']+")
_MIN_LANGUAGE_EVIDENCE = 1.5  # two shared words or one distinctive word and a shared one
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


def guess_language(skeleton: str) -> str | None:
    """One of LANGUAGES from script and common words; None when there is too little text."""
    kana, han = len(_KANA.findall(skeleton)), _HAN.findall(skeleton)
    if kana >= 3:
        return "ja"
    if len(han) >= 4:
        traditional = sum(ch in _TRADITIONAL for ch in han)
        simplified = sum(ch in _SIMPLIFIED for ch in han)
        return "zh-Hant" if traditional > simplified else "zh-Hans"
    scores: dict[str, float] = dict.fromkeys(_STOPWORD_SETS, 0.0)
    for word in _WORD.findall(skeleton):
        for lang, words in _STOPWORD_SETS.items():
            if word in words:
                scores[lang] += 1 / _WORD_WEIGHT[word]
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= _MIN_LANGUAGE_EVIDENCE else None
