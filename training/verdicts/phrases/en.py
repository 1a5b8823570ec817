"""English wording for the labelled verdict set (data only)."""

# ruff: noqa: E501  (sentences of a letter read better unbroken)

LANGUAGE = "en"
NAMES = ("Hon. Margaret Ellison", "Mr Patel", "Councillor Okafor", "Hon. David Ruiz", "Ms Chen")
LABELS = {"amount": "Amount", "wallet": "Address", "deadline": "Time limit"}

POS = {
    "demand_later": [
        "Reply with the word AGREE within {hours} hours and I will tell you how to pay {amount}.",
        "The payment details are in the picture. {amount}, no negotiation.",
    ],
    "open": ("Hello,", "Hi there.", "Listen carefully.", "Good day.", ""),
    "open_named": ("{name},", "Dear {name},", "Hello {name}.", "Attention {name}:"),
    "hack": (
        "Some months ago I got into your computer through a link you opened. Since then I "
        "can see everything on your screen and hear your microphone.",
        "Your phone has been running my software for weeks. I have copies of your chats, your "
        "photos and your whole address book.",
        "I am a programmer and I breached the mail account you use for work. I still have "
        "full access to it, so changing the password now is pointless.",
        "A trojan I planted on your laptop lets me control it remotely, including the camera.",
    ),
    "record": (
        "While you were watching adult videos, your webcam was switched on and I recorded you.",
        "I made a split-screen clip: on one side the porn site you visited, on the other your "
        "face and what you were doing with yourself.",
        "I have the recording of you on camera in a very private moment. It is embarrassing, "
        "to say the least.",
        "I also saved your browsing history, and there are things in it your family would not "
        "understand.",
    ),
    "photo": (
        "Take a look at the image attached to this message. That is you, and it is not a "
        "flattering picture.",
        "I have pictures of you that would end your career the day they come out.",
        "The photo below shows you in a way your voters have never seen. There are more.",
        "You will recognise yourself in the enclosed pictures. Explicit ones, I should add.",
        "Somebody gave me nude photos of you. I have checked them and they are convincing.",
    ),
    "secret": (
        "I know about your affair with a member of your staff and I have the messages to prove it.",
        "I hold documents showing where the campaign donations really went.",
        "I have screenshots of the conversations you thought you had deleted.",
    ),
    "harm": (
        "We know where you live and which school your children go to.",
        "My people have been following your car for a week. Next time it will not only be "
        "following.",
    ),
    "threat": (
        "If I do not get what I ask, I will send everything to all your contacts, to your "
        "colleagues and to the papers.",
        "Otherwise the video goes to your family, your friends and every journalist I can find.",
        "Refuse, and I will upload it to every social network and tag your party in it.",
        "Your wife, your colleagues and your constituents will all receive a copy.",
        "Ignore this and the pictures are made public, with your name and your office next "
        "to them.",
        "I will make sure this destroys your reputation and your political career.",
    ),
    "demand": (
        "Pay {amount} in {coin} to this wallet: {wallet}",
        "The price for my silence is {amount}. Send it in {coin} to {wallet}.",
        "Transfer {amount} worth of {coin} to the address below.\n{wallet}",
        "What I want is simple: {amount} in {coin}. Wallet: {wallet}",
        "If you do not know how to buy {coin}, search for it. Then send {amount} to {wallet}.",
    ),
    "deadline": (
        "You have {hours} hours from the moment you open this email.",
        "The deadline is {hours} hours. A timer started when you read this.",
        "I will wait until midnight tomorrow, not one minute longer.",
        "Do it within {hours} hours.",
    ),
    "secrecy": (
        "Do not reply to this message; the sender address is not mine.",
        "Do not tell anyone and do not go to the police. If you contact the police, I publish at once.",
        "This email cannot be traced, so do not waste your time.",
        "Keep this between us.",
    ),
    "after": (
        "Once the payment arrives, I delete everything and you will never hear from me again.",
        "After I receive the money the files are destroyed. You have my word.",
        "Pay and this ends here.",
    ),
    "subject": (
        "Your privacy",
        "Security alert for your account",
        "{name}",
        "I know what you did",
        "Last warning",
        "Your pictures",
        "Re: problem",
        "Private",
        "Video",
    ),
}

NEG = {
    "exchange": (
        (
            "Withdrawal confirmed",
            "Your withdrawal of {amount} in {coin} to {wallet} has been processed. If you did not request it, contact support within 24 hours to freeze your account.\n\nCoinHarbor Exchange",
        ),
        (
            "Deposit address updated",
            "Hello {name}, your new {coin} deposit address is {wallet}. Send only {coin} to this address; other tokens will be lost. Questions? Reply to this email.",
        ),
    ),
    "crypto_invest": (
        (
            "Double your Bitcoin in 48 hours",
            "Dear investor,\n\nOur trading algorithm returned 212% last quarter. Send 0.05 {coin} "
            "or more to {wallet} within {hours} hours and receive twice the amount back. Limited "
            "places. Join our Telegram for daily signals.\n\nCryptoPrime Team",
        ),
        (
            "Early access: token presale closes Friday",
            "Hi {name},\n\nThe GreenChain presale ends on Friday. Buy now at {amount} per 1,000 "
            "tokens by sending {coin} to {wallet}. Analysts expect 10x after listing.\n\n"
            "Not financial advice.",
        ),
    ),
    "phishing": (
        (
            "Action required: verify your mailbox",
            "Dear user,\n\nWe noticed unusual sign-in activity on your account. Your mailbox will "
            "be suspended within {hours} hours unless you confirm your identity here:\n"
            "https://secure-mail-check.test/verify\n\nIT Help Desk",
        ),
        (
            "Your parcel is on hold",
            "Hello {name}, your delivery could not be completed. Pay the customs fee of {amount} "
            "within 24 hours to avoid return to sender: https://parcel-fee.test/pay",
        ),
        (
            "Password expires today",
            "Your network password expires today. Keep your current password by logging in to "
            "the staff portal before 17:00. Do not reply to this automated message.",
        ),
    ),
    "bitcoin_news": (
        (
            "Markets: bitcoin slides",
            "Bitcoin fell 6% on Tuesday to {amount} as traders took profits after the ETF rally. "
            "Ether and other large tokens followed. Analysts said volatility would remain high "
            "ahead of the central bank's decision on Thursday.",
        ),
        (
            "Police warn of sextortion emails",
            "Police have issued a warning about emails claiming the sender hacked the recipient's "
            "webcam and recorded them. The messages demand payment in bitcoin within a few hours. "
            "Officers say the claims are false and urge anyone who receives one not to pay and to "
            "report it.",
        ),
        (
            "Explainer: how ransomware gangs get paid",
            "Criminal groups increasingly ask victims to pay ransoms in cryptocurrency. "
            "Investigators can still follow the money on the blockchain, and several wallets were "
            "frozen last year with the help of exchanges.",
        ),
    ),
    "video_complaint": (
        (
            "The video of your speech",
            "Dear {name},\n\nI watched the video of you at the housing debate and I was shocked by "
            "your comments about tenants. My neighbours and friends have seen it too. I expect an "
            "apology at the next public meeting.\n\nA disappointed resident",
        ),
        (
            "Footage from the school visit",
            "Hello,\n\nA clip of you at our school is being shared by parents on social media. "
            "Many of us think it was taken out of context. Could your office publish the full "
            "recording?\n\nParents' association",
        ),
    ),
    "invoice": (
        (
            "Invoice INV-{n}",
            "Dear {name},\n\nPlease find attached invoice INV-{n} for the catering of the "
            "constituency reception. Amount due: {amount}. Payment within {days} days to the bank "
            "account on the invoice.\n\nKind regards,\nAccounts, Harbour Catering",
        ),
        (
            "Overdue reminder",
            "Our records show invoice {n} remains unpaid. Please transfer {amount} before the end "
            "of the month to avoid a late fee. If you have already paid, ignore this reminder.",
        ),
    ),
    "newsletter": (
        (
            "Community Update #{n}",
            "In this issue: the new cycle lane consultation, the summer reading club and a recipe "
            "from our volunteers. Read online or unsubscribe at any time.",
        ),
        (
            "Weekly digest from City Tech",
            "Top stories this week: a new privacy law for smart cameras, tips to secure your home "
            "router, and our review of three budget laptops. Forward this to a friend.",
        ),
    ),
    "press_release": (
        (
            "Press release: harbour clean-up results",
            "FOR IMMEDIATE RELEASE\n\nVolunteers removed {n} kilograms of plastic from the harbour "
            "on Saturday. The Member thanked residents and announced funding for two new "
            "collection points. Photos are available for publication on request.\n\nMedia contact: "
            "press office",
        ),
        (
            "Statement on the transport bill",
            "The Member welcomes the second reading of the transport bill and will publish a "
            "detailed response within 48 hours. Journalists may send questions to the press office.",
        ),
    ),
    "constituent": (
        (
            "Street lighting on Hill Road",
            "Dear {name},\n\nThe street lights on Hill Road have been broken for a month and "
            "elderly residents are afraid to walk home in the evening. Could you raise this with "
            "the department?\n\nThank you,\nMrs Lo",
        ),
        (
            "Thank you",
            "Dear {name}, thank you for attending our residents' meeting last week. We appreciated "
            "your patience and look forward to the follow-up you promised.",
        ),
    ),
    "press_photo": (
        (
            "Photos from the opening",
            "Hi,\n\nAttached are pictures of {name} at the library opening this morning. Feel free "
            "to use them with credit to the Evening Post.\n\nPhoto desk",
        ),
    ),
    "security_notice": (
        (
            "IT security reminder",
            "Colleagues,\n\nPlease cover or disable your laptop webcam when not in use and install "
            "the latest updates. If you receive an email claiming someone hacked your device and "
            "demanding money, do not reply and forward it to the security team.\n\nIT Security",
        ),
        (
            "Phishing test results",
            "Last month {n}% of staff clicked the test link. Remember: we will never ask for your "
            "password by email. Report suspicious messages with the button in Outlook.",
        ),
    ),
    "journalist": (
        (
            "Request for comment",
            "Dear {name},\n\nI am a reporter at the Daily Harbour. A photo said to show you at a "
            "private party is circulating online. We intend to publish a story tomorrow and would "
            "like your comment before 6pm.\n\nBest regards",
        ),
    ),
    "charity": (
        (
            "Support our shelter with crypto",
            "Dear friend,\n\nThis winter our shelter needs {amount} for heating. We now accept "
            "donations in {coin}: {wallet}. Every gift counts. Thank you for your kindness.",
        ),
    ),
}
