# Vigie : mots-règles du français. Écrit pour Vigie (aucune donnée tierce) ; format : README.md.
# Rôles : negator, booster, contrast ; expressions figées (valence de plusieurs mots).
# Négations : multiplient la valence des mots suivants (portée : 3 mots, jusqu'à la ponctuation).
# "ne ... pas" compte une fois. "personne" et "plus" sont ambigus (une personne, plus cher) :
# leur négation passe par "ne"/"n'" qui les accompagne.
ne	-0.74	negator
n'	-0.74	negator
pas	-0.74	negator
jamais	-0.74	negator
rien	-0.74	negator
aucun	-0.74	negator
aucune	-0.74	negator
sans	-0.74	negator
nulle part	-0.74	negator
guère	-0.74	negator
# "loin d'être à la hauteur" = pas à la hauteur.
loin d'être	-0.74	negator
ni	-0.74	negator
# "peu fiable" = pas fiable : plus une négation qu'un atténuateur.
peu	-0.6	negator
moins	-0.5	negator
au moins	0.0
du moins	0.0
plus ou moins	-0.3
# Intensifieurs (> 0) et atténuateurs (< 0).
très	0.293	booster
trop	0.293	booster
vraiment	0.293	booster
hyper	0.35	booster
super	0.35	booster
grave	0.293	booster
tellement	0.293	booster
vachement	0.293	booster
carrément	0.293	booster
complètement	0.293	booster
totalement	0.293	booster
extrêmement	0.35	booster
absolument	0.293	booster
particulièrement	0.25	booster
franchement	0.2	booster
archi	0.35	booster
ultra	0.35	booster
méga	0.35	booster
bien	0.2	booster
si	0.15	booster
aussi	0.1	booster
plus	0.15	booster
encore	0.1	booster
de ouf	0.35	booster
à mort	0.35	booster
de fou	0.35	booster
un peu	-0.293	booster
plutôt	-0.15	booster
assez	-0.1	booster
légèrement	-0.293	booster
moyennement	-0.4	booster
presque	-0.2	booster
quasiment	-0.2	booster
un brin	-0.293	booster
à peine	-0.4	booster
# Fins de portée : arrêtent la négation qui les précède, comme une virgule ("sans prévenir et
# impossible de joindre quelqu'un" : "impossible" n'est pas nié). Pas "ou", qui relie plus
# souvent deux mots sous une même négation ("jamais rapide ou fiable").
et	1	scope_break
# Déterminants : ne comptent pas parmi les trois mots qu'atteint une négation ou un intensifieur
# ("jamais eu le moindre problème" : "le" n'en prend pas un).
le	1	determiner
la	1	determiner
les	1	determiner
l'	1	determiner
un	1	determiner
une	1	determiner
des	1	determiner
du	1	determiner
mon	1	determiner
ma	1	determiner
mes	1	determiner
ton	1	determiner
ta	1	determiner
tes	1	determiner
son	1	determiner
sa	1	determiner
ses	1	determiner
notre	1	determiner
nos	1	determiner
votre	1	determiner
vos	1	determiner
leur	1	determiner
leurs	1	determiner
ce	1	determiner
cet	1	determiner
cette	1	determiner
ces	1	determiner
# Irréel : les mots qui suivent dans la proposition sont hypothétiques et pèsent x valeur
# ("ce serait bien", "ça pourrait être mieux"). "si" est aussi un intensifieur ("si bon") : absent.
serait	0.6	irrealis
seraient	0.6	irrealis
pourrait	0.6	irrealis
pourraient	0.6	irrealis
devrait	0.6	irrealis
devraient	0.6	irrealis
aurait	0.6	irrealis
auraient	0.6	irrealis
faudrait	0.6	irrealis
# Contraste : la proposition après pèse x valeur, celle d'avant x0,5.
mais	1.5	contrast
pourtant	1.5	contrast
cependant	1.5	contrast
néanmoins	1.5	contrast
toutefois	1.5	contrast
par contre	1.5	contrast
en revanche	1.5	contrast
# Remèdes : un ennui (plus bas) à 3 mots ou moins avant ou après eux, dans leur proposition, est
# dit résolu et devient positif, x valeur de sa valence ("panne réparée", "ils ont réglé mon
# souci") ; un remède nié le laisse ennui ("toujours pas résolu"). Participes seulement :
# "réparez la panne" demande, ne rapporte pas. Un rôle de plus ôte les formes fléchies
# automatiques : les valences des formes sont dans fr.9-curated.lex.
réglé	0.75	remedy
réglée	0.75	remedy
réglés	0.75	remedy
réglées	0.75	remedy
résolu	0.75	remedy
résolue	0.75	remedy
résolus	0.75	remedy
résolues	0.75	remedy
réparé	0.75	remedy
réparée	0.75	remedy
réparés	0.75	remedy
réparées	0.75	remedy
corrigé	0.75	remedy
corrigée	0.75	remedy
corrigés	0.75	remedy
corrigées	0.75	remedy
rétabli	0.75	remedy
rétablie	0.75	remedy
rétablis	0.75	remedy
rétablies	0.75	remedy
# Ennuis : ce qu'un remède résout. Les autres mots négatifs ne le sont pas : "j'ai réglé des
# frais abusifs" les a payés. Les pluriels suivent (formes fléchies).
problème	1	trouble
problèmes	1	trouble
souci	1	trouble
soucis	1	trouble
panne	1	trouble
pannes	1	trouble
bug	1	trouble
bugs	1	trouble
incident	1	trouble
dysfonctionnement	1	trouble
fuite	1	trouble
coupure	1	trouble
coupures	1	trouble
erreur	1	trouble
plantage	1	trouble
litige	1	trouble
réclamation	1	trouble
sinistre	1	trouble
galère	1	trouble
conflit	1	trouble
crise	1	trouble
blocage	1	trouble
anomalie	1	trouble
difficulté	1	trouble
# Expressions figées : leur valence remplace celle de leurs mots.
pas mal	1.5
pas mal du tout	2.0
pas terrible	-1.5
pas top	-1.5
pas génial	-1.5
pas ouf	-1.5
pas fou	-1.2
au top	2.5
trop top	2.8
la cata	-2.5
n'importe quoi	-2.0
tant pis	-1.0
tant mieux	1.5
pas de souci	1.2
pas de soucis	1.2
pas de problème	1.2
sans souci	1.2
sans problème	1.2
ça craint	-2.2
à fuir	-2.6
à éviter	-2.3
rappel produit	-2.2
rappel de produit	-2.2
hors service	-2.0
en panne	-2.2
ne marche pas	-2.0
marche pas	-2.0
ne fonctionne pas	-2.0
fonctionne pas	-2.0
ne marche plus	-2.0
ne fonctionne plus	-2.0
pas de réponse	-1.8
aucune réponse	-1.8
toujours rien	-1.6
toujours pas	-1.0
toujours pas	-0.74	negator
jamais reçu	-2.2
pas reçu	-2.0
toujours pas reçu	-2.4
mort de rire	2.0
coup de coeur	2.6
coup de gueule	-2.0
foutage de gueule	-3.0
se fout de	-2.4
se moque de	-2.2
ras le bol	-2.5
en avoir marre	-2.2
j'en ai marre	-2.4
hors de prix	-2.0
mauvaise foi	-2.3
service client	0.0
fuite de données	-2.6
bon courage	0.5
merci beaucoup	2.2
mille mercis	2.4
c'est top	2.5
c'est nul	-2.5
bien joué	2.2
que du bonheur	3.0
à la ramasse	-2.0
en retard	-1.5
du vol	-2.5
pas à la hauteur	-2.0
laisse à désirer	-2.0
laissent à désirer	-2.0
comme prévu	0.5
sans plus	-0.8
# Avis de consommateurs : attentes, promesses, surprises. "Attente" (le temps d'attente) est
# négatif ; "mes attentes" sont des espérances. Les formes qui commencent par "pas" portent leur
# propre négation : "ne correspond pas à mes attentes", "ne tient pas ses promesses".
mes attentes	0.0
nos attentes	0.0
vos attentes	0.0
ses attentes	0.0
à mes attentes	1.0
à nos attentes	1.0
aux attentes	1.0
pas à mes attentes	-1.5
pas à nos attentes	-1.5
pas aux attentes	-1.5
tient ses promesses	1.8
tiennent leurs promesses	1.8
pas ses promesses	-1.8
pas leurs promesses	-1.8
mauvaise surprise	-2.0
mauvaises surprises	-2.0
sans surprise	0.0
sur ma faim	-1.5
sur sa faim	-1.5
sur notre faim	-1.5
sur leur faim	-1.5
sur votre faim	-1.5
à oublier	-1.8
cousu de fil blanc	-1.5
publicité mensongère	-2.5
travail d'amateur	-2.0
# Expressions courantes : idiomes de l'éloge et de la plainte.
bien foutu	2.0
bien foutue	2.0
bien foutus	2.0
mal foutu	-2.0
mal foutue	-2.0
rien à redire	2.2
rien à dire	1.5
au rendez-vous	1.5
pas cher	1.5
pas chère	1.5
pas chers	1.5
trop cher	-2.0
trop chère	-2.0
trop chers	-2.0
merci hein	-1.5
merci pour rien	-2.5
chapeau bas	2.5
aucune info	-1.5
aucune nouvelle	-1.5
aucune nouvelles	-1.5
foutage de gueule	-3.0
se fout de nous	-2.6
fait le taf	1.8
fait le job	1.8
vaut le coup	2.0
vaut pas le coup	-2.0
valait pas le coup	-2.0
en vaut la peine	1.8
je recommande	2.2
je déconseille	-2.2
je vous déconseille	-2.2
à la hauteur	1.8
prise de tête	-2.0
c'est la honte	-2.6
c'est chaud	-1.0
trop bien	2.8
de rêve	2.5
un régal	2.8
# Négations qui font l'éloge ou la plainte : "pas déçu" est un compliment, pas une déception
# atténuée ; "jamais eu de souci", un client content. Elles commencent par leur négation, qu'un
# "ne" devant ne redouble pas ("je ne suis pas déçu", "rien ne va").
pas déçu	1.5
pas déçue	1.5
pas déçus	1.5
pas déçues	1.5
jamais déçu	2.0
jamais déçue	2.0
jamais déçus	2.0
jamais déçues	2.0
jamais eu de problème	1.8
jamais eu de problèmes	1.8
jamais eu de souci	1.8
jamais eu de soucis	1.8
rien ne va	-1.8
aucun intérêt	-1.5
sans prévenir	-1.0
sans hésiter	1.2
sans hésitation	1.2
ne répond plus	-2.0
ne répondent plus	-2.0
c'est le bazar	-1.5
quel bazar	-1.5
part en vrille	-1.8
partent en vrille	-1.8
changé ma vie	2.0
prix ont flambé	-1.2
flambée des prix	-1.2
# Éloges moqueurs (rôle taunt) : dits d'une mauvaise nouvelle, ils la raillent ("La Poste a perdu
# mon colis, génial", "train annulé, merci la SNCF", "Merci du conseil."). Ils se retournent
# quand le reste du texte est négatif à lui seul ; seuls ou près d'autres éloges, ils sont
# sincères ("super, merci !"). "super" en est aussi : sur 2 000 textes écrits pour l'essai,
# dont 300 avis, il ne retourne que des moqueries ("La hotline me raccroche au nez pour la 2e
# fois, super"). Pas "top", "parfait", "sympa", "magnifique", que les avis mitigés emploient
# sincèrement, ni 👏, 👌, 👍 (leur effet sur les jeux n'est pas net). "merci bien" : le "bien"
# ne doit pas compter comme un éloge du reste ("Encore deux ans à bosser. Merci bien.").
génial	-0.5	taunt
bravo	-0.5	taunt
merci	-0.5	taunt
chapeau	-0.5	taunt
bien joué	-0.5	taunt
félicitations	-0.5	taunt
logique	-0.5	taunt
super	-0.5	taunt
merci bien	-0.5	taunt
# Les rires dits d'une mauvaise nouvelle s'en moquent aussi : "encore en panne 😂😂", "facturé
# deux fois mdr" (jeux inchangés). Pas 👏 : il salue aussi un problème réglé ("remboursé la
# fraude en 48h, chapeau 👏"), et le retourner coûte fr_dev (r 0,824 -> 0,821).
😂	-0.5	taunt
🤣	-0.5	taunt
mdr	-0.5	taunt
ptdr	-0.5	taunt
lol	-0.5	taunt
