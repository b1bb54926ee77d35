# Vigie English additions: e-reputation vocabulary and social-media slang.
# Written for Vigie (no third-party data); overrides en.0-vader.lex. Format: README.md.
# E-reputation vocabulary: complaints, incidents, crises (negative) and praise of service.
scam	-3.0
scams	-3.0
scammed	-3.0
scammer	-3.0
scammers	-3.0
scammy	-2.6
fraud	-3.0
fraudulent	-3.0
ripoff	-2.8
rip-off	-2.8
overpriced	-2.0
overcharged	-2.5
refunds	-0.8
refunded	0.6
chargeback	-1.8
recall	-1.8
recalls	-1.8
recalled	-1.8
outage	-2.2
outages	-2.2
unreachable	-2.0
unresponsive	-2.0
unanswered	-1.8
boycott	-2.2
boycotting	-2.2
scandal	-2.5
scandalous	-2.8
lawsuit	-2.0
sued	-2.0
suing	-1.8
fined	-2.0
faulty	-2.0
defective	-2.3
broken	-2.0
glitch	-1.5
glitches	-1.5
glitchy	-1.8
buggy	-1.8
laggy	-1.5
crashes	-1.8
crashing	-1.8
crashed	-1.8
delayed	-1.5
delays	-1.5
cancelled	-1.5
canceled	-1.5
hacked	-2.5
breach	-2.2
leaked	-1.8
layoffs	-2.0
contaminated	-2.8
poisoning	-3.0
unacceptable	-2.5
useless	-2.3
incompetent	-2.5
clueless	-2.0
misleading	-2.2
shady	-2.2
unprofessional	-2.3
rude	-2.2
ghosted	-2.0
unsubscribe	-1.0
cancel	-1.0
reliable	1.8
responsive	1.5
seamless	2.0
flawless	2.8
legit	1.5
helpful	1.9
lifesaver	2.5
kudos	2.2
shoutout	1.5
recommended	1.8
five-star	2.5
# Social-media slang.
lmao	2.0
lmfao	2.0
rofl	2.2
fml	-2.5
smh	-1.5
meh	-0.8
ugh	-1.8
yay	2.4
yass	2.2
yasss	2.2
sus	-1.0
mid	-1.0
trash	-2.0
garbage	-2.5
wtf	-2.2
af	0.293	booster
lowkey	-0.15	booster
highkey	0.293	booster
dope	2.0
goat	0.0
bae	1.5
fab	2.2
awsome	3.1
amazin	2.8
luv	2.5
gr8	2.5
thx	1.6
tnx	1.6
ty	1.2
congrats	2.5
hbd	2.0
xoxo	2.0
rip	-1.5
# Words of reviews that VADER's lexicon lacks.
nightmare	-2.5
nightmarish	-2.5
underwhelming	-1.8
underwhelmed	-1.5
# Everyday praise and complaint words that VADER's lexicon lacks (on its scale: "amazing" 2.8,
# "good" 1.9, "awful" -2.0), British spellings of words it has, and words of food, comfort and
# service. Left out as too often neutral: "lit", "fire", "slay", "late", "prompt", "smooth".
incredible	2.8
exceptional	2.6
extraordinary	2.4
phenomenal	3.0
stellar	2.6
spectacular	2.8
tremendous	2.2
marvellous	2.9
exquisite	2.8
legendary	2.2
epic	2.0
coolest	2.3
favourite	2.0
tasty	2.0
yummiest	2.6
comfy	1.8
cozy	1.8
cosy	1.8
polite	1.6
knowledgeable	1.6
sturdy	1.4
durable	1.4
affordable	1.4
stoked	2.4
psyched	2.0
atrocious	-3.0
abysmal	-3.0
unhelpful	-1.8
deceptive	-2.2
unreliable	-1.9
mediocre	-1.4
subpar	-1.6
filthy	-2.5
moldy	-2.2
mouldy	-2.2
stale	-1.3
hungover	-1.6
stranded	-1.8
passed away	-2.0
foul	-1.5
grumpy	-1.6
cranky	-1.6
cringe	-1.6
cringey	-1.8
cringy	-1.8
toxic	-2.4
# Product, delivery and customer-service verdicts with no opinion word VADER knows ("never
# arrived", "hung up on me", "can't cancel", which scored positive as a negated "cancel").
# Those that start with a negator hold it. Left out as context-dependent: "loud", "quiet",
# "down again".
flimsy	-1.6
junk	-1.9
knockoff	-1.4
bland	-1.2
soggy	-1.4
spotless	2.0
hidden fees	-2.0
dropped calls	-1.6
keeps dropping	-1.6
won't be back	-1.8
will not be back	-1.8
never arrived	-2.2
never received	-2.2
hung up on me	-2.2
took forever	-1.5
buy again	1.5
returned it	-1.0
can't cancel	-2.0
cannot cancel	-2.0
unable to cancel	-2.0
# Service incidents and churn, as customers of operators, banks, carriers and utilities write
# them: losing a service ("no internet", "without power"), being charged or blocked ("froze my
# card", "unauthorized"), no-shows, and leaving ("switching providers"). Each phrase that starts
# with a negator holds it.
unusable	-2.2
unauthorized	-1.6
without warning	-1.2
without notice	-1.2
no internet	-1.8
no signal	-1.8
no service	-1.8
no power	-1.8
no wifi	-1.8
no heating	-1.8
no hot water	-1.8
no connection	-1.6
without internet	-1.8
without power	-1.8
froze my card	-1.8
froze my account	-1.8
didn't show up	-1.8
didn't even show up	-2.0
never showed up	-1.8
no show	-1.5
how you treat	-1.5
round in circles	-1.5
switching providers	-1.5
switching banks	-1.5
switching carriers	-1.5
# Verdicts of delivery, subscription and support that score wrong or nothing: a negated word
# in a set phrase ("nothing but problems", "couldn't be happier", which scored negative as a
# negated "happier"), a positive word used in scorn ("is a joke", "good riddance"), and
# "incomplete", "daylight robbery", "hats off", "can't fault", which VADER's lexicon lacks.
incomplete	-1.2
daylight robbery	-2.4
is a joke	-2.0
are a joke	-2.0
what a joke	-2.0
joke of a	-2.0
good riddance	-1.5
hats off	2.0
can't fault	1.8
cannot fault	1.8
nothing but problems	-2.0
nothing but trouble	-2.0
couldn't be happier	2.8
could not be happier	2.8
couldn't be better	2.5
could not be better	2.5
never ordering	-1.8
never buying	-1.8
dragging on	-1.5
dragging their feet	-1.8
unsubscribed	-1.0
unsubscribing	-1.0
# Social-media slang of praise and scorn, second lot: "this slaps", "a banger", "yikes", "this
# ain't it", "so done with". "at best" hedges ("mid at best"): it is not "best". "obsessed
# with" a product is a fan's word, not VADER's -0.7 of "obsessed".
yikes	-1.2
this slaps	2.0
banger	2.0
bangers	2.0
at best	-0.8
this ain't it	-1.5
so done with	-1.8
obsessed with	1.8
# Promises, blame and expectations: "broken promises", "false advertising", "passing the buck",
# "beyond my expectations", "as pictured".
broken promises	-2.0
false advertising	-2.0
passing the buck	-1.8
beyond my expectations	2.5
as pictured	1.0
# Hotels, restaurants and travel: "a real gem", "above and beyond", "in a heartbeat",
# "overbooked", "musty", "lukewarm", "took ages", "couldn't sleep". "gem" alone is also a Ruby
# package: only its phrases of praise.
real gem	2.0
hidden gem	2.0
absolute gem	2.0
little gem	2.0
such a gem	2.0
above and beyond	2.5
in a heartbeat	1.8
overbooked	-1.5
musty	-1.5
lukewarm	-1.2
took ages	-1.5
couldn't sleep	-1.5
# Everyday idioms of tweets that VADER's lexicon lacks or reads word by word ("hell yeah"
# scored -0.53 on "hell"), with British ones ("gutted", "knackered", "buzzing for"). "Not my
# cup of tea" is the phrase negated.
hell yeah	2.2
hell yes	2.2
cloud nine	2.5
fingers crossed	1.0
gutted	-2.2
knackered	-1.5
buzzing for	1.8
my cup of tea	1.2
# Headlines and praise slang that VADER's lexicon lacks, found in reviews and tweets written
# for a probe (not in the evaluation sets): markets that plummet or soar, hackers, bricked
# devices, price gouging; "goated", "bussin", "elite", "hits different", "crazy good" ("crazy"
# alone is -1.4).
hacker	-1.8
hackers	-1.8
predatory	-2.5
bricked	-2.5
plummets	-2.2
plummeted	-2.2
plunges	-1.8
plunged	-1.8
slumps	-1.5
slumped	-1.5
tumbles	-1.5
tumbled	-1.5
dips	-0.8
soars	1.5
soared	1.5
bankruptcy	-2.5
downgrade	-1.2
downgraded	-1.2
price gouging	-2.5
gouging	-2.2
price hike	-1.5
price hikes	-1.5
rate hike	-1.2
goated	2.5
bussin	2.5
elite	2.0
hyped	1.8
hits different	2.2
never misses	2.0
crazy good	2.5
stupid good	2.5
# Review and service verdicts of the same probe: "no questions asked" (it scored negative, a
# negated "questions"), "gone downhill", "the last straw", "customer for life", "on a good day"
# (a hedge: "2 bars on a good day"), things that barely work or keep breaking. Those that start
# with a negator hold it.
no questions asked	1.5
gone downhill	-2.0
went downhill	-2.0
going downhill	-2.0
last straw	-2.5
customer for life	2.2
a real one	1.5
came through	1.5
ran out of	-1.0
can't do this anymore	-1.5
zero issues	1.5
zero problems	1.5
zero complaints	1.5
barely works	-1.5
barely worked	-1.5
barely working	-1.5
kept breaking	-1.8
keeps breaking	-1.8
nobody told me	-1.2
needs a renovation	-1.0
needs renovation	-1.0
on a good day	-0.5
not stay here	-2.0
don't stay here	-2.0
left on read	-1.2
# Tweets of everyday life, from 350 tweets written for a probe (not the evaluation sets): the
# sarcastic "oh great", "love that for me", "said no one ever", "cool cool cool" (each scored
# as praise), and the praise of "aced", "nailed it", "no skips", "undefeated", "my heart is
# full", "paid off".
oh great	-1.5
oh wonderful	-1.2
oh joy	-1.2
love that for me	-1.0
said no one ever	-2.0
cool cool cool	-1.0
send help	-1.0
out of control	-1.5
unwatchable	-2.0
aced	2.0
nailed it	2.0
no skips	2.0
undefeated	1.5
no notes	1.5
heart is full	2.5
paid off	1.5
nothing beats	2.0
don't do it justice	1.5
doesn't do it justice	1.5
didn't do it justice	1.5
# From 300 texts written for a held-out probe, then used for tuning: British idioms ("made
# redundant", "you couldn't make it up", "burnt out"), verdicts of reviews ("expected better",
# which scored positive on "better", "forgettable", "padded out", "don't get the hype"), and
# praise that VADER's lexicon reads wrong or not at all ("can't thank them enough" scored as
# a negated "thank", "could be worse" as a negated "worse", "unreal", "the GOAT", "got the
# promotion", "passed my test").
expected better	-1.5
expected more	-1.5
forgettable	-1.5
padded out	-1.2
don't get the hype	-1.5
drags	-1.0
made redundant	-2.5
couldn't make it up	-1.5
burnt out	-2.0
burned out	-2.0
wearing me down	-1.5
wear me down	-1.5
paying for nothing	-1.5
done with this	-1.5
can't thank them enough	2.5
can't thank you enough	2.5
can't thank him enough	2.5
can't thank her enough	2.5
could be worse	1.0
could have been worse	1.0
unreal	1.5
the goat	2.5
got the promotion	2.0
got promoted	2.0
passed my	1.5
what a game	2.0
# From the last held-out probe, scored once and then used for tuning: "beyond a joke" (it
# scored positive on "joke"), "radio silence", "the audacity", "make it make sense", "of course
# it does", "holiday ruined", "goosebumps", "a legend" said "ledge", "you're a star", "stole my
# heart", and "Nope." as a verdict. Left out: "gotta love" and "love how", sarcastic in
# today's complaints but sincere in the tweets set (r 0.893 -> 0.892 each).
beyond a joke	-2.0
radio silence	-1.5
the audacity	-1.5
make it make sense	-1.5
of course it does	-1.0
holiday ruined	-2.5
goosebumps	1.5
ledge	2.0
a star	1.5
stole my heart	2.5
nope	-0.8
# Seventh batch, from 400 reviews, brand mentions, Reddit and everyday posts written for the
# purpose (not in the evaluation sets): review verdicts ("inedible", "watery", "decent", "spot
# on", "a gem", "class act", "a letdown", "a shambles"), British, Irish and Australian praise
# and scorn ("chuffed", "naff", "the craic", "heaps good", "absolute cowboys", "at my wits'
# end"), today's slang ("slaps", "is fire", "no cap" as no negation, "the ick", "delulu", "we're
# cooked", "a vibe"), and complaints ("where is my", "sort it out", "a paperweight"). VADER's
# "l" (+2) is the "L" of a loss. Left out: "w" (the "w/" of "with" in the tweets set), "I'm
# dead" (laughter, or not).
inedible	-2.5
disgraceful	-2.5
shambles	-2.0
shambolic	-2.0
absolute cowboys	-2.0
wits end	-2.0
l	-1.0
no cap	0
is fire	2.0
are fire	2.0
so fire	2.0
straight fire	2.0
slaps	1.5
wholesome	1.8
gem	2.0
angels	1.8
chuffed	2.0
chuffed to bits	2.5
class act	2.0
lifesavers	2.5
heaps good	2.0
craic	1.5
naff	-1.5
so cooked	-1.5
are cooked	-1.5
we're cooked	-1.5
delulu	-1.0
the ick	-1.5
copium	-1.0
running on fumes	-1.5
letdown	-2.0
bold strategy	-1.0
cheers for nothing	-2.5
absolute joke	-2.0
total joke	-2.0
made my week	2.5
small win	1.5
spot on	2.0
so much for	-1.0
sort it out	-1.5
watery	-1.0
decent	1.0
killed it	2.0
killing it	2.0
no regrets	1.5
good but not great	0.5
a vibe	1.5
where is my	-1.0
where's my	-1.0
paperweight	-1.5
# Eighth batch, from 400 posts written for the purpose by domain (health, money, housing, work,
# school, transport, sport, public services...): "finally", which VADER lacks, tells of a wait
# that ended well ("finally got an offer"); "legend", which it lacks too; "can't recommend them
# enough" without its apostrophe; anger ("seething", "robbery", "are you kidding me", "you
# couldn't make this up", "of course they did") and sport ("a shocker", "relegated", "what a
# team"). "legend" costs the second tweets probe a little (0.742 -> 0.738) and gains on four
# others.
finally	1.0
can't recommend them enough	2.5
cant recommend them enough	2.5
can't recommend it enough	2.5
cant recommend it enough	2.5
cant recommend enough	2.5
seething	-2.5
robbery	-2.5
legend	2.0
legends	2.0
are you kidding me	-1.5
couldn't make this up	-1.5
of course they did	-1.0
of course it did	-1.0
a shocker	-1.8
running out of steam	-1.5
what an innings	2.0
what a team	2.0
relegated	-2.0
ready to quit	-1.5
# Ninth batch, from 350 brand mentions written for the purpose as a monitoring feed captures
# them (crises, public customer service, launches, press lines): "no fuss" (a negated
# "fuss" before), "clowns", "deleting my account", "out of hand", "worth the hype", "I'm sold".
no fuss	1.5
clowns	-2.0
absolute clowns	-2.5
i'm sold	2.0
deleting my account	-1.5
worth the hype	2.0
out of hand	-1.5
# Tenth batch, from 400 everyday tweets written for the purpose in the style of 2010-2015 and
# of today: "best friend" is a relationship before it is praise (VADER's "best" 3.2 and
# "friend" 2.2 made "my dog died, 14 years of best friend" positive); grief and worry ("rest
# in peace", "in your thoughts", "laid off", "can't sleep", "not ok"), and today's praise
# ("immaculate", "I'm hooked", "core memory", "was everything", "vibes").
best friend	0.8
best friends	0.8
rest in peace	-1.5
laid off	-2.0
not ok	-1.5
can't sleep	-1.5
cant sleep	-1.5
so done	-1.5
could've been worse	1.0
i'm hooked	2.0
immaculate	2.5
there goes my	-1.5
so over	-1.5
made my whole day	2.8
vibes	1.0
was everything	2.0
core memory	1.5
in your thoughts	-1.0
# Eleventh batch, from 300 reviews written for the purpose (marketplaces, app stores, maps,
# hotels, films, games): verdicts VADER lacks ("uninstalled", "blown away", "masterful",
# "advise against", "this is theft", "be warned", "sending it back").
uninstalled	-1.5
blown away	2.5
masterful	2.5
advise against	-2.0
this is theft	-2.0
be warned	-1.5
sending it back	-1.5
# Twelfth batch, from 300 posts written for the purpose (Instagram, LinkedIn, neighbourhood
# groups, forums, replies to brands, comments on news): layoffs ("was let go"), distress
# ("at the end of my rope", "in your prayers", "couldn't care less"), British and Irish
# verdicts ("are you having a laugh", "was class", "fair play"), "never gets old".
was let go	-2.0
were let go	-2.0
end of my rope	-2.0
in your prayers	-1.0
having a laugh	-1.0
never gets old	2.0
was class	2.0
couldn't care less	-1.5
fair play	1.5
# Thirteenth batch, from 350 texts written for the purpose to use as many different words of
# judgement as they could: British and Irish idioms ("a cut above", "bowled over", "a whale of
# a time", "a kick in the teeth", "a dog's dinner", "cheesed off", "narked", "short-changed",
# "cowboy builders", "top drawer", "smashing", "belting", "buzzing"), review verdicts VADER
# lacks ("hideous", "shoddy", "rubbish", "yuck", "sketchy", "fiddly", "slick", "loveliest",
# "page-turner", "life-changing", "out of this world", "fell flat", "went south", "hard
# pass"), and "appalling" from -1.5 to -2.8. "a steal" is a bargain here, not a theft.
buzzing	1.5
life-changing	2.5
appalling	-2.8
absolute steal	2.5
a steal	2.0
a cut above	2.0
total con	-2.5
i'm over it	-1.0
bowled over	2.5
miffed	-1.5
kick in the teeth	-2.0
page-turner	2.0
whale of a time	2.5
belting	2.0
cowboy builders	-2.0
yuck	-2.0
smashed it	2.0
smashing	2.0
out of this world	2.5
top drawer	2.0
went south	-1.5
hard pass	-1.5
fell flat	-1.5
dog's dinner	-2.0
hideous	-2.5
up to here	-2.0
shoddy	-2.0
rubbish	-2.0
bummed	-1.5
a cheek	-1.0
short-changed	-1.5
narked	-1.5
cheesed off	-2.0
sketchy	-1.5
loveliest	3.0
fiddly	-1.0
slick	1.5

# From blind probes of brand mentions (written without looking at the sets): "support" is
# the help desk far more often than approval, and its +0.9 cancelled complaints ("great app
# but awful support"); a refund received is not a complaint ("got a full refund"); "pretty"
# before a rated word grades it ("pretty awful") rather than praising; "nothing but" before
# praise is all praise.
support	0
refund	-0.3
pretty	0.2	booster
nothing but love	3.0
nothing but praise	2.5
nothing but good	2.5
nothing but great	3.0

# Second blind probe of brand mentions (250 texts written without looking at the engine):
# "no" before a trouble is praise ("no issues", "no hassle"); "never" before a comparative is
# a superlative ("never been happier"), not a negation of it; "zero" negates ("zero
# respect"); complaints of service with no rated word ("never worked", "can't reach").
no issues	1.5
no issue	1.5
no hassle	1.5
no fees	1.0
no surprises	0.5
never been happier	3.0
never been better	2.5
never looked better	2.5
never felt better	2.5
never had better	2.5
never seen better	2.5
zero	-0.74	negator
unbearable	-2.5
never worked	-2.0
not once	-1.0
can't reach	-1.5
cannot reach	-1.5
impossible to reach	-1.8
impossible to talk	-1.5
still nothing	-1.5
too much to ask	-1.0
want my money back	-1.5

# Everyday tweets (a blind probe): "nothing better than" praises ("better" negated by
# "nothing" scored negative), "worth every second", a goodbye to a pet ("rest easy").
nothing better than	2.5
worth every second	2.5
worth every minute	2.5
rest easy	-1.5
went fine	1.5

# AFINN-165 (en.0-afinn.lex) rates these everyday words, whose polarity is the context's: a
# "big" problem, poor "quality", prices that "rise" or "rose", a "leading" cause, a lawsuit's
# "settlement", "gold" as a colour, "gray", an exclaimed "jesus". Not rated here.
big	0
quality	0
rise	0
rises	0
rose	0
leading	0
settlement	0
settlements	0
gold	0
gray	0
jesus	0

# A third blind probe (150 brand mentions and minimal pairs): thanks said "so much" are not
# "so much for" (a scoff); "honestly" is a discourse marker, not VADER's +2 ("Honestly
# terrible" was neutral; the four English sets do not move at three decimals).
thank you so much	2.2
thanks so much	2.2
ty so much	2.0
honestly	0
