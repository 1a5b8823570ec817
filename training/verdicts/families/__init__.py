"""Whole letters per language, one template per family, with spintax paraphrases (data only).

Written apart from phrases/ so a family held out in training shares no sentence with the
rest. `[a|b]` picks one alternative; `{slot}` is filled from the row's slots. FILLER holds
sentences of ordinary prose that happen to carry cue words (as hash-busting filler lifted
from news and novels does); WORDS feeds random word-salad filler. HELD_BACK holds benign
families kept out of training and used only by the hard-negative bench.
"""

# The latest batch of families (2026-11-30), written apart from all before it; bench.verdicts
# prints the older families apart from it, so figures quoted before it stay comparable.
LATEST_BATCH = frozenset({
    "pos:courier", "pos:followup", "pos:telegram",
    "neg:robbed_investor", "neg:antivirus", "neg:debt_collector", "neg:giveaway",
})  # fmt: skip

# The fifth batch (2026-11-30): the real-world genres no family before carried (an old
# leaked password or phone number as "proof", spyware on the phone, the letter "sent from
# your own account", a photo of the house) and benign mail in their words. Chosen knowing
# that a held-out mailgen2 family of the first genre was missed, so that family's recall
# is no clean figure for the genre; these families judged unseen (leave-one-family-out)
# are. bench.verdicts prints them apart, so figures quoted before them stay comparable.
PASSWORD_BATCH = frozenset({
    "pos:password", "pos:spyware", "pos:spoof", "pos:house",
    "neg:password_notice", "neg:breach_check", "neg:scam_explainer", "neg:password_helpdesk",
    "neg:viral_clip",
})  # fmt: skip
