# Vigie English rule words. Written for Vigie (no third-party data); format: README.md.
# Roles: negator, booster, contrast; and set phrases (valence of several words).
# Negators: multiply the valence of the next words (scope: 3 words, up to punctuation).
not	-0.74	negator
no	-0.74	negator
never	-0.74	negator
none	-0.74	negator
nobody	-0.74	negator
nothing	-0.74	negator
nowhere	-0.74	negator
neither	-0.74	negator
nor	-0.74	negator
without	-0.74	negator
# "far from perfect" = not perfect.
far from	-0.74	negator
cannot	-0.74	negator
nope	-0.74	negator
nah	-0.74	negator
dont	-0.74	negator
doesnt	-0.74	negator
didnt	-0.74	negator
isnt	-0.74	negator
arent	-0.74	negator
wasnt	-0.74	negator
werent	-0.74	negator
wont	-0.74	negator
wouldnt	-0.74	negator
cant	-0.74	negator
couldnt	-0.74	negator
shouldnt	-0.74	negator
hasnt	-0.74	negator
havent	-0.74	negator
hadnt	-0.74	negator
aint	-0.74	negator
mustnt	-0.74	negator
neednt	-0.74	negator
# Words ending in n't (don't, isn't...) are negators by rule in the engine.
# Intensifiers (> 0) and downtoners (< 0): added to |valence| of the next words.
absolutely	0.293	booster
amazingly	0.293	booster
awfully	0.293	booster
completely	0.293	booster
considerably	0.293	booster
deeply	0.293	booster
decidedly	0.293	booster
enormously	0.293	booster
entirely	0.293	booster
especially	0.293	booster
exceptionally	0.293	booster
extremely	0.293	booster
fabulously	0.293	booster
freaking	0.293	booster
fricking	0.293	booster
frigging	0.293	booster
fucking	0.293	booster
fully	0.293	booster
greatly	0.293	booster
hella	0.293	booster
highly	0.293	booster
hugely	0.293	booster
incredibly	0.293	booster
intensely	0.293	booster
majorly	0.293	booster
particularly	0.293	booster
purely	0.293	booster
quite	0.293	booster
really	0.293	booster
remarkably	0.293	booster
so	0.293	booster
substantially	0.293	booster
thoroughly	0.293	booster
totally	0.293	booster
tremendously	0.293	booster
uber	0.293	booster
unbelievably	0.293	booster
unusually	0.293	booster
utterly	0.293	booster
very	0.293	booster
super	0.293	booster
mega	0.293	booster
truly	0.293	booster
seriously	0.293	booster
insanely	0.293	booster
too	0.2	booster
more	0.2	booster
most	0.2	booster
almost	-0.293	booster
barely	-0.293	booster
hardly	-0.293	booster
marginally	-0.293	booster
occasionally	-0.293	booster
partly	-0.293	booster
scarcely	-0.293	booster
slightly	-0.293	booster
somewhat	-0.293	booster
kinda	-0.293	booster
sorta	-0.293	booster
less	-0.293	booster
little	-0.293	booster
fairly	-0.293	booster
rather	-0.293	booster
kind of	-0.293	booster
sort of	-0.293	booster
a bit	-0.293	booster
a little	-0.293	booster
a little bit	-0.293	booster
just enough	-0.293	booster
# Scope breaks: end the scope of a negator before them, as a comma does ("not home and bored").
# Not "or", which more often joins two words under one negation ("not fast or cheap").
and	1	scope_break
# Determiners: not among the three words a negator or booster reaches ("never had a single
# problem": "a" does not use one of them up).
a	1	determiner
an	1	determiner
the	1	determiner
my	1	determiner
your	1	determiner
his	1	determiner
her	1	determiner
its	1	determiner
our	1	determiner
their	1	determiner
this	1	determiner
that	1	determiner
these	1	determiner
those	1	determiner
# Irrealis: the words after them in their clause are hypothetical and weigh x value ("would
# be nice", "if it works"). "could"/"should" also carry the n't forms, negators by rule.
if	0.6	irrealis
unless	0.6	irrealis
whether	0.6	irrealis
would	0.6	irrealis
could	0.6	irrealis
should	0.6	irrealis
might	0.6	irrealis
may	0.6	irrealis
wouldn't	0.6	irrealis
couldn't	0.6	irrealis
shouldn't	0.6	irrealis
wouldnt	0.6	irrealis
couldnt	0.6	irrealis
shouldnt	0.6	irrealis
i'd	0.6	irrealis
you'd	0.6	irrealis
we'd	0.6	irrealis
they'd	0.6	irrealis
he'd	0.6	irrealis
she'd	0.6	irrealis
it'd	0.6	irrealis
# Contrast: the clause after weighs x value, the clause before x0.5 (engine option).
but	1.5	contrast
however	1.5	contrast
nevertheless	1.5	contrast
nonetheless	1.5	contrast
yet	1.5	contrast
# Remedies: a trouble (below) within 3 words before or after them, in their clause, is reported
# solved and turns positive with x value of its valence ("fixed my problem", "the outage is
# fixed"); a negated remedy leaves it a trouble ("still haven't fixed my problem"). Past forms
# only: "fix your broken app" asks, it does not report.
fixed	0.75	remedy
solved	0.75	remedy
resolved	0.75	remedy
sorted	0.75	remedy
repaired	0.75	remedy
restored	0.75	remedy
# Troubles: what a remedy solves. Other negative words are not remedied: "resolved to sue",
# "paid off a terrible loan".
problem	1	trouble
problems	1	trouble
outage	1	trouble
outages	1	trouble
glitch	1	trouble
glitches	1	trouble
error	1	trouble
errors	1	trouble
fault	1	trouble
faults	1	trouble
crash	1	trouble
crashes	1	trouble
leak	1	trouble
failure	1	trouble
failures	1	trouble
dispute	1	trouble
disputes	1	trouble
conflict	1	trouble
conflicts	1	trouble
complaint	1	trouble
complaints	1	trouble
difficulty	1	trouble
difficulties	1	trouble
trouble	1	trouble
troubles	1	trouble
mess	1	trouble
crisis	1	trouble
# Set phrases: their valence replaces the one of their words.
not bad	1.5
not too bad	1.2
not that bad	1.0
not bad at all	2.0
could have been better	-1.5
could be better	-1.2
could have been worse	0.8
no problem	1.2
no problems	1.2
no worries	1.5
no complaints	1.5
can't wait	2.0
cant wait	2.0
cannot wait	2.0
can't complain	1.2
can't stand	-2.5
cant stand	-2.5
not worth	-1.8
not worth it	-2.0
waste of time	-2.5
waste of money	-2.6
rip off	-2.6
ripped off	-2.8
stay away	-2.0
never again	-2.2
do not buy	-2.5
don't buy	-2.5
doesn't work	-2.0
does not work	-2.0
didn't work	-1.8
not working	-2.0
stopped working	-2.2
broke down	-1.8
fell apart	-2.0
let down	-2.0
fed up	-2.2
sick of	-2.0
sick and tired	-2.5
pissed off	-2.6
piece of crap	-3.0
piece of junk	-3.0
piece of shit	-3.2
over the moon	3.0
made my day	2.8
well done	2.2
good job	2.2
highly recommend	2.8
highly recommended	2.8
must have	1.8
must see	2.0
game changer	2.5
top notch	2.8
first class	2.0
worth it	1.8
worth every penny	2.8
the bomb	2.2
on hold	-0.8
no response	-1.8
no reply	-1.6
no answer	-1.4
still waiting	-1.8
customer service	0.0
data breach	-2.8
go to hell	-3.0
shut up	-1.2
oh well	-0.5
thank you	1.8
thanks a lot	2.0
too bad	-1.5
so so	-0.5
so-so	-0.5
out of stock	-1.0
out of order	-1.8
as expected	0.5
not as expected	-1.5
what a joke	-2.3
what a shame	-2.0
what a mess	-2.3
# "like" is mostly a preposition or a filler in social text ("looks like", "I'm like", "like 3
# days"); it carries liking only as a verb after its subject or an auxiliary.
like	0
i like	1.5
we like	1.5
you like	1.0
they like	1.0
really like	2.0
do like	1.8
i'd like	0.5
would like	0.5
don't like	-1.6
dont like	-1.6
didn't like	-1.6
didnt like	-1.6
doesn't like	-1.4
do not like	-1.6
did not like	-1.6
# Idioms of VADER's code (SPECIAL_CASE_IDIOMS), which its lexicon file does not carry.
the shit	3.0
bad ass	1.5
badass	1.5
kick ass	2.0
kickass	2.0
yeah right	-2.0
kiss of death	-1.5
to die for	3.0
beating heart	3.1
broken heart	-2.9
bus stop	0.0
# Common set phrases of social text.
no way	-0.8
not sure	-0.5
not great	-1.5
not good	-1.8
no thanks	-1.0
love it	3.0
loved it	3.0
hate it	-2.8
sucks	-1.9
so much fun	2.8
cheers	1.5
# Reviews: expectations, verdicts and advice. Negation works as for words ("didn't live up
# to the hype", "did not meet my expectations"); advice that starts with a negator holds it.
live up to	1.5
lives up to	1.5
lived up to	1.5
does the job	1.5
did the job	1.5
gets the job done	1.8
does what it says	1.5
as described	1.0
as advertised	1.0
exceeded my expectations	2.5
exceeded expectations	2.5
exceeds expectations	2.5
exceeded all expectations	2.5
meet my expectations	1.2
met my expectations	1.2
meets my expectations	1.2
five stars	2.5
one star	-2.0
zero stars	-2.5
save your money	-2.0
waste your time	-2.0
don't waste	-1.8
dont waste	-1.8
do not waste	-1.8
cheaply made	-1.8
# Praise said by negating a complaint ("wasn't disappointed", "never had a problem") is praise,
# not a mild negated negative; complaints without an opinion word ("never answers", "nothing
# works", "thanks for nothing"). Each starts with its negator, which it holds.
not disappointed	1.5
wasn't disappointed	1.5
wasnt disappointed	1.5
weren't disappointed	1.5
never disappointed	1.8
never disappoints	2.0
didn't disappoint	1.5
didnt disappoint	1.5
never had a problem	1.8
never had any problems	1.8
never had an issue	1.8
never had any issues	1.8
can't recommend enough	2.8
cant recommend enough	2.8
would not recommend	-2.0
wouldn't recommend	-2.0
wouldnt recommend	-2.0
never answers	-1.8
never answered	-1.8
never responds	-1.8
never responded	-1.8
never replied	-1.8
nothing works	-2.0
nothing worked	-2.0
thanks for nothing	-2.5
# Closers (role closer): praise that closes a text of bad news in a sentence of its own mocks
# it ("Woke up to no hot water. In January. Wonderful."). Anywhere else it is sincere: as
# taunts (role taunt, any position) these words cost the tweets set (r 0.893 -> 0.888).
# "thanks" is left out: it closes sincere tweets too ("Lit it up! Thanks Taio!").
great	-0.5	closer
brilliant	-0.5	closer
lovely	-0.5	closer
cool	-0.5	closer
cheers	-0.5	closer
perfect	-0.5	closer
wonderful	-0.5	closer
fantastic	-0.5	closer
awesome	-0.5	closer
amazing	-0.5	closer
nice	-0.5	closer
magic	-0.5	closer
excellent	-0.5	closer
marvellous	-0.5	closer
splendid	-0.5	closer
superb	-0.5	closer
classy	-0.5	closer
