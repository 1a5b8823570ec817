"""The commonest real sextortion genre, a leaked password quoted as "proof", and the benign
mail that shares its words: judged with the shipped model, on letters written here and
found in no training row."""

from __future__ import annotations

import pytest

from triage.classify import MessageText, judge_message


def _text(body: str, subject: str = "", wallets: tuple[str, ...] = ()) -> MessageText:
    return MessageText(
        subject=subject, body=body, attachment_texts=(), wallets=wallets, recipient_name=None
    )


_BTC = "bc1q9h7garjr3dxuuns4wqtsj0q4lqv9xqgyx6xy2m"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        pytest.param(
            "Security Alert - hunter2010",
            "I'm aware hunter2010 is your pass word. You don't know me, and you're probably "
            "wondering why you got this mail. I set up a malware on an adult vids web-site "
            "and you visited it. While you were viewing clips your web browser started "
            "working as a RDP with a keylogger, which gave me access to your screen and web "
            "cam. I made a video: the first part shows what you were watching, the second "
            f"part shows you. Send me $1,400 in Bitcoin to {_BTC}. You have 1 day. If I do "
            "not get the bitcoins, I will send your video to all of your contacts, "
            "relatives and coworkers.",
            id="en",
        ),
        pytest.param(
            "Ihr Konto wurde gehackt",
            "Ihr Passwort lautet Sommer2017! - das wissen Sie, und jetzt weiß ich es auch. "
            "Über eine präparierte Erotikseite lief auf Ihrem Rechner seit Wochen mein "
            "Trojaner. Er hat Ihre Webcam mitlaufen lassen, während Sie sich vergnügt haben, "
            "und Ihre Kontaktliste kopiert. Überweisen Sie 1.250 Euro in Bitcoin an "
            f"{_BTC}. Dafür haben Sie 48 Stunden Zeit. Kommt das Geld nicht, schicke ich den "
            "Mitschnitt an Ihre Familie, Freunde und Kollegen.",
            id="de",
        ),
        pytest.param(
            "Sua senha: flamengo81",
            "Você usa a senha flamengo81, certo? Pois eu invadi o seu computador por um "
            "site adulto que você frequenta. Minha ferramenta ativou a sua câmera e eu "
            "gravei você se divertindo. Também tenho todos os seus contatos. Deposite "
            f"R$ 6.000 em Bitcoin na carteira {_BTC} em até 2 dias. Se não pagar, mando o "
            "vídeo para a sua família, amigos e colegas de trabalho.",
            id="pt",
        ),
        pytest.param(
            "你的密码是 qwe123456",
            "qwe123456 是你的密码吧。我在一个色情网站里放了木马，你上去看的时候中招了。"
            "我的程序打开了你的摄像头，把你当时的样子全录了下来，还拿到了你的通讯录。"
            f"把价值1500美元的比特币打到这个地址：{_BTC}。给你48小时。"
            "不付钱的话，这段视频会发给你的家人、朋友和同事。",
            id="zh-Hans",
        ),
    ],
)
def test_a_password_as_proof_letter_is_extortion(subject: str, body: str) -> None:
    verdict = judge_message(_text(body, subject, (_BTC,)))
    assert verdict.extortion, (verdict.score, verdict.cues)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        pytest.param(
            "Reset your password",
            "Hi Dana, someone asked to reset the password of your account. If it was you, "
            "enter the code 482913 within 24 hours at https://id.example.test/reset. If it "
            "was not you, ignore this email and your password stays as it is. We will never "
            "ask for your password by email.",
            id="en-reset",
        ),
        pytest.param(
            "Ihr Passwort läuft ab",
            "Guten Tag, Ihr Passwort für das Bürgerportal läuft in 7 Tagen ab. Bitte ändern "
            "Sie es rechtzeitig unter https://portal.example.test/konto, sonst wird der "
            "Zugang gesperrt. Verwenden Sie kein Passwort, das Sie schon anderswo nutzen.",
            id="de-expiry",
        ),
        pytest.param(
            "Your password was found in a breach",
            "Your email address turned up in a breach of an online store (2.1 million "
            "accounts). Leaked with it: the password 'summer2016' and your phone number. "
            "Scammers often quote such passwords in emails claiming they filmed you through "
            "your webcam and demanding bitcoin within 48 hours; nobody has filmed you. "
            "Change the password wherever you used it and turn on two-step verification.",
            id="en-breach-check",
        ),
        pytest.param(
            "Seu e-mail apareceu em um vazamento",
            "Encontramos o seu e-mail em um vazamento de dados de um fórum de jogos. A senha "
            "vazada era futebol99. Golpistas costumam mostrar senhas assim em e-mails que "
            "dizem ter gravado você pela câmera e pedem bitcoin. Não pague nada, troque a "
            "senha e ative a verificação em duas etapas.",
            id="pt-breach-check",
        ),
    ],
)
def test_password_notices_and_breach_alerts_stay_benign(subject: str, body: str) -> None:
    verdict = judge_message(_text(body, subject))
    assert not verdict.extortion, (verdict.score, verdict.cues)


# A scam advisory in German reported speech. The first is the shape that was judged
# extortion at 0.98 by the cues alone ("sie fordern eine Zahlung" reads as "you demand",
# the retelling "in denen sie behaupten, ... zu haben" was not known); the second retells
# in Konjunktiv I and II.
GERMAN_ADVISORIES = (
    "Hallo, sie fordern eine Zahlung in Bitcoin, meist 900 Euro, innerhalb von 48 Stunden.\n\n"
    "Unbekannte versenden derzeit Mails an Abgeordnetenbüros, in denen sie behaupten, Sie vor "
    "der Webcam gefilmt zu haben, und drohen, das Video an Ihre Kontakte zu schicken.\n\n"
    "Leiten Sie solche Mails bitte an die Poststelle weiter.\n\nIhre IT-Sicherheit",
    "Sehr geehrte Damen und Herren,\n\n"
    "derzeit gehen bei Abgeordnetenbüros Mails ein, deren Absender angeben, sie hätten den "
    "Rechner des Empfängers übernommen und ihn vor der Webcam gefilmt. Der Erpresser verlange "
    "1.500 Euro in Bitcoin binnen 72 Stunden, sonst gehe das Video an die Familie und die "
    "Kollegen.\n\nSie fordern eine Zahlung innerhalb von drei Tagen. Zahlen Sie nicht und "
    "leiten Sie die Mail an die Poststelle weiter.\n\nIhre IT-Sicherheit",
)


@pytest.mark.parametrize("body", GERMAN_ADVISORIES, ids=["relative-clause", "konjunktiv"])
def test_a_german_advisory_retelling_the_scam_in_reported_speech_stays_benign(body: str) -> None:
    verdict = judge_message(_text(body, "Bitte nicht zahlen!"))
    assert not verdict.extortion, (verdict.score, verdict.cues)
    assert any(c.group == "retold" for c in verdict.cues)
