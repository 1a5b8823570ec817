"""Campaign pictures for tests, made with the fixture generator's own painter."""

from __future__ import annotations

from fixtures.pictures import PastePlan, render_paste


def campaign_picture(
    base: str, face: str, *, transforms: tuple[str, ...] = (), seed: str = "t"
) -> bytes:
    plan = PastePlan(
        base=base, face=face, center=(240, 150), face_width=90, mask="hard",
        colour_match=False, quality=85, post_scale=None, transforms=transforms,
        seed=f"{seed}:{base}:{face}:{transforms}",
    )  # fmt: skip
    return render_paste(plan).data


def text_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF showing `text` (ASCII), with a correct xref table."""
    content = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 100]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
