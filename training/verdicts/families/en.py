"""English families (data only)."""

# ruff: noqa: E501, SIM905  (long sentences; word lists read best as one string)

POS = {
    "pos:montage": "[Good evening|Hello|Dear sir or madam] {name}. [Have a look at|Open] the [attached|enclosed] [file|pictures]. [Your face|Your head] has been put on [very explicit|pornographic|obscene] [photos|images], and [nobody|no one] will [doubt|question] they are real. [Unless|If you do not pay] {amount} [arrives|is sent] in {coin} to {wallet} [in the next|within] {hours} hours, [every newspaper in the country|your party and the press|your constituents and your colleagues] [will get|will receive] [a copy|the whole set]. [Your choice.|It is up to you.]",
    "pos:hacker2": "[I am a hacker|I am a security specialist|I work in IT security] and I [got|gained] [access|control] [to your devices|over your operating system] [some time ago|a while ago]. [My program|The software I installed] [switched on|activated] your [camera|webcam] while you were [on adult websites|watching porn|visiting sex sites] and [captured|recorded] [everything|what you did]. [I want|My fee is] {amount} [in|paid in] {coin}. [Address|Wallet]: {wallet}. [The clock started|A counter started|You have {hours} hours] [when you opened this letter|from now]. [If I do not see the payment|Without payment], [the video|the recording] [goes to|will be sent to] [all your contacts|everyone in your address book].",
    "pos:short": "[I have|Got] [your videos|the pictures of you|your nudes]. {amount} [to|in {coin} to] {wallet} [or|otherwise] [everyone|your family and friends|all your contacts] [sees them|gets them]. [{hours} hours.|You have {hours} hours.|Clock is ticking.]",
    "pos:reminder": "[Reminder|Second notice|Final reminder]: [you have not|you still have not] [paid|sent the money]. [I already|I have] [prepared|set up] [the email|the message] [with the video|with your pictures] [to|for] [your colleagues|your voters|your wife]. [The amount is now|Now it costs] {amount}. [Send it|Transfer it] to {wallet} [before|by] [tomorrow night|midnight]. [This is the last time I write.|No more warnings.]",
    "pos:business": "[This is not personal|Nothing personal], [it is business|just business]. [I hold|I have] [material|recordings|documents] about [your private life|your visits to a certain apartment|your relationship with a staff member] that [would finish|would end] your [career|time in office]. [A fair price|My price] [for my silence|to forget all this] is {amount}, [payable|paid] in {coin} to {wallet}. [You have|I give you] {hours} hours. [Go to the police and|If you involve anyone,] [the material is published|everything goes online] [at once|the same day].",
}

NEG = {
    "neg:bank": "[Dear customer|Dear client|Valued customer], [we have detected|we noticed] [unusual activity|a suspicious login|an unauthorised payment attempt] on your [account|card]. [To avoid|To prevent] [suspension|a permanent block], [please confirm|verify] your [details|identity] [within {hours} hours|today] at https://secure-bank-verify.test/login. [Thank you for banking with us.|Customer Security Team]",
    "neg:parcel": "[Your parcel|Your package|Shipment {n}] [could not be delivered|is held at our depot|is waiting for customs clearance]. [A fee of|Pay the outstanding] {amount} [is due|must be paid] [within {hours} hours|before tomorrow] [or the item will be returned|to schedule a new delivery]: https://parcel-track.test/{n}. [Thank you,|Regards,] [Delivery Service|Customer Care]",
    "neg:invest": "[Make|Earn] [up to|over] {amount} [a week|every month] [with|from] {coin}! [Our AI trading bot|Our expert traders|Our smart algorithm] [has never lost|returned 300% last year]. [Deposit|Send] [as little as|from] $250 to {wallet} and [watch your money grow|start earning today]. [Offer ends in {hours} hours.|Only {n} places left.] [Join thousands of happy investors.|Financial freedom starts now.]",
    "neg:diet": "[Lose|Burn] [up to 10 kg|20 pounds|belly fat] in [30 days|two weeks] [without dieting|without exercise|while you sleep]! [Doctors hate this|Celebrities swear by this] [natural capsule|green tea formula|keto pill]. [Order now|Buy today] [and get|and receive] [50% off|a free bottle] - [offer ends at midnight|only {n} bottles left]. [Pay securely|Secure checkout] at https://slim-now.test/order.",
    "neg:lottery": "[Congratulations|Dear winner]! [Your email address|Your ticket number {n}] [has won|was selected for] {amount} in [our international|the annual online] [lottery|prize draw|sweepstakes]. [To claim your prize|To release the funds], [send|pay] [the processing fee|a small transfer fee] [of $95|of {amount}] [within {days} days|before the deadline] and [reply with|send us] your [full name and bank details|passport copy]. [Keep this confidential until the claim is complete.|Do not share your winning number.]",
    "neg:warning": "[Security notice|IT advisory|Warning to all staff]: [we are seeing|several colleagues received] [emails|messages] claiming that [the sender hacked|someone took over] [their computer|their webcam] and [recorded|filmed] them [on adult sites|in private], [demanding|asking for] {amount} in {coin} [within {hours} hours|by a deadline]. [These are scams|The claims are false]: [do not pay|never pay], [do not reply|do not answer], and [forward the email to|report it to] security@office.test. [No video exists.|Nothing was recorded.]",
    "neg:news": "[Police|Investigators|Prosecutors] [arrested|charged] [two men|a 24-year-old|a gang of four] [accused of|suspected of] [sextortion|blackmailing] [dozens of|hundreds of] [victims|people] [online|across the country]. [The suspects|The group] [allegedly threatened|are said to have threatened] to [send|share] [intimate|compromising] [images|videos] to [victims' families|friends and colleagues] unless they [paid|transferred] money in {coin}. [The trial opens|A hearing is set for] next [month|week].",
}

FILLER = (
    "The concert was recorded live at the old theatre and released the following spring.",
    "Most readers pay little attention to the small print of a contract.",
    "The deadline for the essay competition was extended by two weeks.",
    "She kept an intimate diary throughout the long winter in the mountains.",
    "Visitors can send postcards from the museum shop to any country.",
    "The documentary shows footage of the river before the dam was built.",
    "His family published the letters after his death in 1952.",
    "The council will release the results of the survey on Monday.",
    "Sailors watched the horizon for hours before the storm arrived.",
    "A photographer captured the moment the bridge opened to traffic.",
)
WORDS = "river garden blue window camera silver morning village account paper orange history travel quiet music payment engine forest letter market winter doctor picture summer family hour station bottle record shadow island".split()
