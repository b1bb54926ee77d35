# Vigie : ajouts français (vocabulaire de l'e-réputation, argot des réseaux sociaux).
# Écrit pour Vigie (aucune donnée tierce) ; remplace fr.0-pattern.lex. Format : README.md.
# E-réputation : réclamations, incidents, crises (négatif), éloges du service (positif).
arnaque	-3.0
arnaques	-3.0
arnaqué	-3.0
arnaquée	-3.0
arnaqués	-3.0
arnaquer	-2.8
arnaqueur	-3.0
arnaqueurs	-3.0
escroc	-3.0
escrocs	-3.0
escroquerie	-3.0
fraude	-3.0
injoignable	-2.2
injoignables	-2.2
rembourser	-0.8
remboursez	-1.5
# Plié, "remboursé" est aussi "rembourse" ("la mutuelle rembourse ?") : 0,3. À 1,0, fr_dev r
# montait (0,821 -> 0,828) mais le F1 du jeu réservé passait sous son plancher.
remboursé	0.3
remboursée	1.0
panne	-2.0
pannes	-2.0
boycott	-2.2
boycotter	-2.2
boycottez	-2.4
scandale	-2.6
scandaleux	-2.8
scandaleuse	-2.8
scandalisé	-2.5
honte	-2.5
honteux	-2.6
honteuse	-2.6
résilier	-1.5
résiliation	-1.5
résilié	-1.3
litige	-2.0
plainte	-2.0
réclamation	-1.5
retard	-1.5
retards	-1.5
annulé	-1.5
annulée	-1.5
annulation	-1.2
défectueux	-2.3
défectueuse	-2.3
cassé	-2.0
cassée	-2.0
bug	-1.5
bugs	-1.5
bugue	-1.6
beug	-1.5
lent	-1.2
lente	-1.2
exorbitant	-2.0
inadmissible	-2.8
inacceptable	-2.6
lamentable	-2.8
minable	-2.5
nul	-2.3
nulle	-2.3
nuls	-2.3
nulles	-2.3
naze	-2.0
pourri	-2.5
pourrie	-2.5
merdique	-3.0
déçu	-2.0
déçue	-2.0
déçus	-2.0
décevant	-2.0
décevante	-2.0
déception	-2.2
dégoûté	-2.3
dégoûtée	-2.3
galère	-1.8
galérer	-1.6
relou	-1.8
chiant	-2.0
chiante	-2.0
marre	-2.0
colère	-2.2
énervé	-2.0
énervée	-2.0
furieux	-2.5
furieuse	-2.5
fuite	-1.2
piratage	-2.2
piraté	-2.2
grève	-1.0
licenciement	-2.0
licenciements	-2.0
intoxication	-2.8
toxique	-2.5
dangereux	-2.3
mensonge	-2.5
mensonges	-2.5
menteur	-2.5
menteurs	-2.5
mensonger	-2.5
voleur	-2.8
voleurs	-2.8
catastrophe	-2.5
catastrophique	-3.0
cata	-2.5
éviter	-1.0
fuyez	-2.6
pire	-2.8
horrible	-3.0
mauvais	-2.2
mauvaise	-2.2
mal	-1.6
détesté	-2.6
hais	-3.0
haine	-3.0
triste	-1.8
dommage	-1.5
problème	-1.5
problèmes	-1.5
souci	-1.2
soucis	-1.2
bof	-1.0
moyen	-0.8
ennuyeux	-1.8
inutile	-1.8
incompétent	-2.5
incompétents	-2.5
irrespectueux	-2.3
mépris	-2.3
abusé	-1.8
abusif	-2.2
abusive	-2.2
attente	-0.8
bordel	-2.0
merde	-2.5
putain	-1.5
wtf	-2.0
pfff	-1.5
pff	-1.2
grr	-1.5
snif	-1.5
dégueulasse	-3.0
dégueu	-2.5
immonde	-3.0
inadmissibles	-2.8
mort	-2.0
# Valences générales du registre des réseaux sociaux (le lexique de pattern ne couvre que les adjectifs).
génial	3.0
géniale	3.0
géniaux	3.0
super	2.3
top	2.3
excellent	3.0
excellente	3.0
parfait	2.8
parfaite	2.8
magnifique	3.0
merveilleux	3.0
merveilleuse	3.0
incroyable	2.5
adore	2.8
adoré	2.8
adorer	2.8
adorable	2.5
aime	2.0
aimé	2.0
aimer	1.8
kiffe	2.3
kiffé	2.3
kiffer	2.3
merci	2.0
bravo	2.6
félicitations	2.8
recommande	2.0
recommandé	2.0
recommander	1.8
conseille	1.5
satisfait	2.0
satisfaite	2.0
satisfaits	2.0
ravi	2.8
ravie	2.8
ravis	2.8
content	2.0
contente	2.0
contents	2.0
heureux	2.5
heureuse	2.5
efficace	2.0
rapide	1.5
réactif	2.0
réactive	2.0
fiable	1.8
pratique	1.2
agréable	2.0
sympa	2.0
cool	1.8
bien	1.5
mieux	1.5
meilleur	2.2
meilleure	2.2
impeccable	2.8
nickel	2.3
qualité	1.0
plaisir	1.8
bonheur	2.6
love	2.5
mdr	1.5
lol	1.5
ptdr	2.0
bon	2.0
bonne	2.0
beau	2.2
belle	2.2
sublime	3.0
chouette	2.2
bluffant	2.5
réussi	2.0
réussie	2.0
hâte	1.8
vivement	1.2
youpi	2.5
enfin	1.0
solide	1.5
gentil	2.0
gentille	2.0
aimable	2.0
professionnel	1.8
professionnelle	1.8
efficacité	2.0
bienveillant	2.2
ouf	0.5
grave	-1.2
# Homographes du lexique de pattern. pattern n'a que des adjectifs ; ceux-ci
# sont le plus souvent des prépositions, déterminants ou adverbes ("sur" : le pliage des
# accents le confond avec "sûr") et donnaient une valence aux phrases neutres des actualités.
# Valence 0 : le mot ne compte pas (ses autres rôles, booster par exemple, restent).
sur	0
plein	0
pleine	0
tout	0
toute	0
tous	0
toutes	0
premier	0
première	0
premiers	0
premières	0
dernier	0
dernière	0
derniers	0
dernières	0
nouveau	0
nouvelle	0
nouveaux	0
nouvelles	0
fin	0
net	0
passé	0
si	0
plus	0
seul	0
seule	0
certain	0
certaine	0
certains	0
certaines	0
frais	0
ouvert	0
ouverte	0
ouverts	0
ouvertes	0
total	0
actuel	0
juste	0
haut	0
bas	0
grand	0.3
grande	0.3
# Homographes nés du pliage des accents : "équipe" (l'équipe) tombe sur "équipé", "après" sur
# "âpres", "mur" sur "mûr", "prêt" (le prêt immobilier) est bien plus souvent un nom ; "foire"
# (la foire aux vins, la foire de Paris) tombe sur "foiré" (raté).
foire aux	0.0
foire de	0.0
foire expo	0.0
équipe	0
équipes	0
taille	0
tailles	0
après	0
mur	0
murs	0
prêt	0
# Verbes et noms de la plainte et de l'éloge, fréquents en ligne (pattern n'en a pas).
plante	-1.8
plantage	-2.0
planté	-1.8
rame	-1.5
ramer	-1.5
bloquée	-1.6
bloqués	-1.6
bloque	-1.4
humiliant	-2.6
humiliation	-2.6
crevé	-1.5
abîmé	-1.8
abîmée	-1.8
abîmés	-1.8
ruiné	-2.5
ruinée	-2.5
gâché	-2.2
gâchée	-2.2
foiré	-2.2
foirée	-2.2
raté	-2.0
ratée	-2.0
perturbé	-1.2
perturbée	-1.2
perturbations	-1.2
chelou	-1.2
chapeau	1.5
abuser	-1.5
abusent	-1.8
escroquent	-2.8
volé	-2.5
volée	-2.5
raccroche	-1.6
ignoré	-1.8
ignorée	-1.8
méprisant	-2.5
lamentablement	-2.5
hallucinant	-1.5
honteusement	-2.6
attendre	-0.5
attends	-0.5
déçoit	-2.0
déçoivent	-2.0
décevoir	-1.8
regrette	-1.8
regret	-1.5
conseillé	1.5
apprécie	2.0
apprécié	2.0
apprécier	1.8
remercie	2.0
remercier	1.8
pépite	2.5
régal	2.8
régale	2.5
félicite	2.5
idéal	2.3
idéale	2.3
fluide	1.5
rapidement	1.0
intact	0.8
intacte	0.8
# Formes fléchies des adjectifs ci-dessus : pattern note de la même façon toutes les formes d'un
# adjectif ; nos corrections doivent les couvrir toutes, sinon "excellent" vaut 3,0 et
# "excellentes" 1,5.
abusifs	-2.2
abusives	-2.2
adorables	2.5
agréables	2.0
aimables	2.0
aimée	2.0
aimées	2.0
aimés	2.0
beaux	2.2
belles	2.2
bienveillante	2.2
bienveillantes	2.2
bienveillants	2.2
bonnes	2.0
bons	2.0
cassées	-2.0
cassés	-2.0
chouettes	2.2
contentes	2.0
dangereuse	-2.3
dangereuses	-2.3
dégueulasses	-3.0
déçues	-2.0
efficaces	2.0
ennuyeuse	-1.8
ennuyeuses	-1.8
excellentes	3.0
excellents	3.0
exorbitante	-2.0
exorbitantes	-2.0
exorbitants	-2.0
furieuses	-2.5
gentils	2.0
gentilles	2.0
grandes	0.3
grands	0.3
graves	-1.2
géniales	3.0
heureuses	2.5
honteuses	-2.6
horribles	-3.0
idéales	2.3
idéals	2.3
idéaux	2.3
ignorées	-1.8
ignorés	-1.8
impeccables	2.8
incroyables	2.5
inutiles	-1.8
lamentables	-2.8
lentes	-1.2
lents	-1.2
magnifiques	3.0
mauvaises	-2.2
meilleures	2.2
meilleurs	2.2
mensongers	-2.5
mensongère	-2.5
mensongères	-2.5
merveilleuses	3.0
minables	-2.5
moyenne	-0.8
moyennes	-0.8
méprisante	-2.5
méprisantes	-2.5
méprisants	-2.5
parfaites	2.8
parfaits	2.8
pires	-2.8
pourries	-2.5
pourris	-2.5
pratiques	1.2
professionnelles	1.8
professionnels	1.8
rapides	1.5
ratées	-2.0
ratés	-2.0
recommandée	2.0
recommandées	2.0
recommandés	2.0
réussies	2.0
réussis	2.0
satisfaites	2.0
scandaleuses	-2.8
solides	1.5
sublimes	3.0
sympas	2.0
tristes	-1.8
# Plainte et éloge courants en ligne, absents de pattern (qui n'a que des adjectifs).
vénère	-2.0
vener	-2.0
rage	-1.8
à bout	-2.0
mouais	-0.8
beurk	-2.0
berk	-2.0
jpp	-1.8
ptn	-1.5
coupure	-1.5
coupures	-1.5
erreur	-1.0
fan	1.5
fans	1.5
accro	1.5
merveille	3.0
génie	2.0
génies	2.0
compréhensif	2.0
compréhensive	2.0
respect	1.5
wow	2.3
waouh	2.3
miam	2.0
stylé	2.0
stylée	2.0
hilarant	2.0
hilarante	2.0
rigolo	1.5
# Le service rendu, légèrement positif : sa négation est une plainte ("ne fonctionne jamais").
fonctionne	1.0
fonctionnent	1.0
# Expressions figées courantes.
plus jamais	-2.2
pas normal	-1.8
sert à rien	-2.0
servent à rien	-2.0
rien à signaler	0.8
du lourd	2.3
ça déchire	2.5
rien reçu	-2.0
aucun retour	-1.5
aucune solution	-1.8
sans réponse	-1.8
sans nouvelles	-1.5
répond pas	-2.0
répondent pas	-2.0
ne répond pas	-2.0
ne répondent pas	-2.0
répond jamais	-2.0
répondent jamais	-2.0
ne répond jamais	-2.0
ne répondent jamais	-2.0
personne ne répond	-2.2
aucun souci	1.2
aucun problème	1.2
non merci	-1.0
bien sûr	0.0
# Ce qui arrive au client, dit sans adjectif d'opinion : l'objet abîmé, le produit périmé, le
# lieu sale, la facture gonflée, le service désinvolte. pattern n'a pas ces mots, ou les note
# hors contexte de consommation ("sale" -0,3, "périmé" -0,6, "tiède" +0,15). Les pluriels et
# féminins réguliers (-s, -e, -es, -le, -ne, -te) sont ajoutés au chargement (lexicon.cpp), et
# ceux que pattern note déjà suivent la correction ("périmés" n'y garde pas -0,6) ; seuls les
# irréguliers sont listés ("copieuse", "chaleureuse"). "salée" n'est pas "sale" : listée.
salée	-0.3
salées	-0.3
surfacturé	-2.3
surfacturation	-2.3
frais cachés	-2.2
double prélèvement	-2.3
troué	-1.6
rayé	-1.2
rayure	-1.1
fissuré	-1.4
moisi	-2.2
périmé	-2.0
périmés	-2.0
périmée	-2.0
périmées	-2.0
avarié	-2.5
avariés	-2.5
avariée	-2.5
avariées	-2.5
sale	-1.6
sales	-1.6
crade	-2.2
cradingue	-2.3
puant	-2.3
puants	-2.3
puante	-2.3
puantes	-2.3
dégoûtant	-2.6
dégoûtants	-2.6
dégoûtante	-2.6
dégoûtantes	-2.6
infect	-2.8
tiède	-0.6
tièdes	-0.6
immangeable	-2.8
insalubre	-2.6
vétuste	-1.5
délabré	-1.8
buggé	-1.8
indisponible	-1.3
introuvable	-1.0
endommagé	-1.8
endommagés	-1.8
endommagée	-1.8
endommagées	-1.8
défectuosité	-1.8
vice caché	-2.4
non conforme	-1.8
contrefaçon	-2.2
baladé	-1.8
impoli	-2.0
insultant	-2.6
incompétence	-2.4
négligence	-2.2
négligent	-2.2
bâclé	-2.0
amateurisme	-2.0
pagaille	-1.8
foutoir	-2.0
cauchemar	-2.8
calvaire	-2.6
enfer	-2.8
navrant	-2.0
déplorable	-2.4
déplorables	-2.4
médiocre	-2.0
médiocres	-2.0
désastre	-2.8
désastreux	-2.8
désastreuse	-2.8
fiasco	-2.6
furax	-2.6
agacé	-1.6
agaçant	-1.8
agaçants	-1.8
agaçante	-1.8
agaçantes	-1.8
exaspéré	-2.3
exaspérant	-2.3
écœuré	-2.5
ras le bol	-2.3
gavé	-1.6
dépité	-1.8
inquiet	-1.2
inquiets	-1.2
inquiete	-1.2
inquietes	-1.2
angoisse	-2.0
angoisses	-2.0
angoissee	-2.0
angoissees	-2.0
stressant	-1.6
frustré	-2.0
frustrant	-2.0
frustration	-2.0
trahi	-2.4
choqué	-2.2
choquant	-2.3
indigné	-2.2
indignés	-2.2
révoltant	-2.7
contaminé	-2.3
serviable	2.2
arrangeant	1.8
savoureux	2.7
savoureuse	2.7
succulent	3.0
copieux	1.8
copieuse	1.8
spacieux	1.4
spacieuse	1.4
spacieuses	1.4
confortable	1.8
confortables	1.8
chaleureux	2.2
chaleureuse	2.2
chaleureuses	2.2
ponctuel	1.6
dépanné	1.5
enchanté	2.3
enchantés	2.3
enchantée	2.3
enchantées	2.3
comblé	2.5
comblés	2.5
comblée	2.5
comblées	2.5
conquis	2.5
convaincu	1.5
convaincus	1.5
convaincue	1.5
convaincues	1.5
séduit	2.0
irréprochable	2.8
abordable	1.3
abordables	1.3
dédommagé	1.2
geste commercial	1.4
# Verbes et noms de l'avis client, et corrections de pattern hors contexte ("lâché" : le
# produit qui m'a lâché ; "résolu", "trompeur"). Les mots ambigus hors contexte restent
# absents : "vol" (le vol Paris-Nice), "supprime" (une marque supprime un emballage),
# "valide", "accueil" (la page d'accueil), "économie".
détester	-2.5
détestent	-2.5
regretter	-1.5
recommandons	2.2
fuir	-2.0
évitez	-2.0
plaindre	-1.5
râler	-1.3
planter	-1.5
perdre	-1.2
retardé	-1.5
oubli	-1.0
incident	-1.3
dysfonctionnement	-1.8
défaillance	-1.8
mécontentement	-2.0
insatisfaction	-2.0
dégradé	-1.5
dégradation	-1.5
bidon	-1.8
foireux	-2.0
foireuse	-2.0
racket	-2.8
piège	-2.0
arnaque totale	-3.2
ça craint	-2.0
ça pue	-2.0
lâché	-1.5
insatisfait	-2.0
insatisfaite	-2.0
insatisfaits	-2.0
insatisfaites	-2.0
intolérable	-2.6
intolérables	-2.6
trompeur	-2.2
trompeurs	-2.2
trompeuse	-2.2
trompeuses	-2.2
résolu	1.5
résolue	1.5
résolus	1.5
résolues	1.5
passable	-0.3
rassuré	1.5
soulagé	1.5
bluffé	2.5
impressionné	2.2
intuitif	1.6
intuitive	1.6
recommandable	2.0
fiabilité	1.5
professionnalisme	2.2
à l'écoute	1.8
offert	1.3
promo	0.8
économiser	1.2
réglé	1.5
réglée	1.5
réglés	1.5
réglées	1.5
réparé	1.5
réparée	1.5
réparés	1.5
réparées	1.5
kif	2.0
coup de cœur	2.6
délice	2.8
# Avis de restaurant, de livraison, d'opérateur et de banque ; et pattern corrigé là où il
# contredit l'usage ("croustillant" -0,45, "condescendant" +0,06, "insupportable" -0,6).
trop cuit	-1.5
pas cuit	-1.6
brûlé	-1.6
brûlés	-1.6
brûlée	-1.6
brûlées	-1.6
rassis	-1.8
écœurant	-2.2
fondant	1.5
croustillant	1.5
croustillants	1.5
croustillante	1.5
croustillantes	1.5
portions ridicules	-1.8
jamais livré	-2.5
colis perdu	-2.5
livré à temps	1.5
livraison rapide	2.0
bien reçu	1.0
bien emballé	1.5
pas de réseau	-1.8
plus de réseau	-1.8
instable	-1.5
instables	-1.5
déconnexion	-1.3
déconnexions	-1.6
agios	-1.5
refusé	-1.5
refus	-1.3
condescendant	-2.0
condescendants	-2.0
condescendante	-2.0
compétent	1.8
débordé	-1.0
dépassé	-1.2
satisfaction	1.8
déconseille	-2.0
déconseiller	-2.0
énervant	-1.8
rageant	-2.0
insupportable	-2.4
insupportables	-2.4
effarant	-2.2
consternant	-2.2
affligeant	-2.2
affligeants	-2.2
affligeante	-2.2
affligeantes	-2.2
# Tournures de réclamation et d'éloge des réseaux sociaux : "on nous prend pour des pigeons",
# "le SAV aux abonnés absents", "une bande de branquignols", "vous assurez", "problème réglé".
aux abonnés absents	-2.2
pour des pigeons	-2.5
pour des cons	-2.5
pour des idiots	-2.3
branquignol	-2.0
branquignols	-2.0
bras cassés	-2.0
vous assurez	2.0
tu assures	2.0
vous gérez	2.0
tu gères	2.0
problème réglé	1.8
problème résolu	1.8
réglé le problème	1.8
résolu le problème	1.8
# La conversation en ligne, second lot : ce que dit l'avis sans mot d'opinion du lexique de
# pattern ("on s'est fait avoir", "ça vaut le détour", "je m'attendais à mieux", "vous vous
# foutez du monde"), l'argot de l'éloge (chanmé, une tuerie, un seigneur, de folie) et les
# tournures dont les mots, pris un à un, disent le contraire : "les yeux fermés" (pas
# "fermé"), "ni top ni flop" (pas "top" nié), "je m'attendais au pire" (pas "pire").
les yeux fermés	1.5
vaut le détour	2.5
valait le détour	2.5
fait avoir	-2.0
faire avoir	-1.8
pour un pigeon	-2.5
attendais à mieux	-1.5
attendait à mieux	-1.5
attendions à mieux	-1.5
attendais mieux	-1.5
attendais au pire	0.0
attendant au pire	0.0
se moque des	-2.2
se moquent de	-2.2
se moquent des	-2.2
vous moquez de	-2.4
vous moquez des	-2.4
se fout du monde	-2.6
se foutent du monde	-2.6
vous foutez du monde	-2.6
se foutent de	-2.4
vous foutez de	-2.4
débrouillez	-1.5
ça pique	-1.2
non mais allô	-2.0
c'est claqué	-1.8
la hess	-1.5
cercle vicieux	-1.5
pas la joie	-1.5
rien de fou	-0.8
rien de ouf	-0.8
ni top ni flop	0.0
je fais comment	-1.0
on fait comment	-1.0
toujours aucun	-1.2
toujours aucune	-1.2
regrette pas	1.5
ne regrette pas	1.5
regrette rien	1.5
ne regrette rien	1.5
pile à l'heure	1.5
pile à temps	1.5
très pro	2.0
super pro	2.2
hyper pro	2.2
trop pro	2.0
glacial	-1.8
glaciale	-1.8
malin	1.2
maligne	1.2
un seigneur	2.5
c'est une tuerie	3.0
une vraie tuerie	3.0
chanmé	2.5
de folie	1.5
nul à chier	-3.2
greenwashing	-2.0
game changer	2.2
must have	2.0
big up	2.0
bg	1.5
aucune honte	-2.5
aucun scrupule	-2.5
sans scrupules	-2.3
y a mieux	-1.2
vous êtes sérieux	-1.8
t'es sérieux	-1.5
# Adjectifs des avis (produits, hôtels, films) que pattern n'a pas.
convaincant	1.5
performant	1.5
ergonomique	1.2
époustouflant	2.8
poignant	1.5
longuet	-1.0
prévisible	-0.6
soporifique	-1.8
lourdingue	-1.5
insipide	-1.5
inconfortable	-1.5
exigu	-1.0
inefficace	-1.5
onéreux	-1.0
onéreuse	-1.0
taché	-1.2
outré	-2.0
calamiteux	-2.5
calamiteuse	-2.5
imbattable	2.0
# Mots courants de l'éloge et de la plainte qui manquaient, relevés dans une liste de mots
# d'avis et de tweets vérifiée mot à mot (pas dans les jeux d'évaluation). Écartés car souvent
# neutres : "extra" (frais extra), "disponible", "calme", "coupé".
soigné	1.5
avantageux	1.2
avantageuse	1.2
réussite	1.8
aux petits soins	2.2
génialissime	3.0
kiffant	2.0
incontournable	1.5
emballé	1.5
reconnaissant	1.8
reconnaissante	1.8
au poil	2.0
du tonnerre	2.2
rapidité	1.5
lenteur	-1.5
se foutent	-1.8
danger	-1.5
ruineux	-1.5
ruineuse	-1.5
infâme	-2.5
bondé	-1.0
bordélique	-1.8
désorganisé	-1.8
mal organisé	-1.8
désolant	-2.0
peut mieux faire	-1.0
déprimé	-2.0
épuisant	-1.6
crash	-1.8
hs	-1.2
# Verdicts d'avis et de service client sans mot d'opinion du lexique : "camelote", "ça vaut pas
# un clou", "on ne reviendra pas", "le technicien n'est jamais venu". Celles qui commencent par
# leur négation la portent.
camelote	-2.0
pacotille	-1.8
vaut pas un clou	-2.2
reviendrai pas	-1.8
reviendra pas	-1.8
reviendrons pas	-1.8
retournerai pas	-1.8
retournerons pas	-1.8
jamais venu	-1.8
jamais venue	-1.8
conforme à la description	1.2
# Incidents de service et départs, comme les écrivent les clients d'opérateurs, de banques, de
# transporteurs et de fournisseurs d'énergie : service perdu ("sans internet", "plus de
# courant"), prélèvements et blocages ("non autorisé", "facturé deux fois"), réseau qui ne
# capte pas, départs annoncés ("changer d'opérateur"). Celles qui commencent par une négation
# la portent.
inutilisable	-2.2
inutilisables	-2.2
non autorisé	-1.6
non autorisée	-1.6
facturé deux fois	-2.0
facturée deux fois	-2.0
débité deux fois	-2.0
prélevé deux fois	-2.0
sans internet	-1.8
sans connexion	-1.8
sans réseau	-1.8
sans électricité	-1.8
sans courant	-1.8
sans chauffage	-1.8
sans eau chaude	-1.8
sans wifi	-1.8
plus d'internet	-1.8
plus de connexion	-1.8
plus de courant	-1.8
plus d'électricité	-1.8
plus de fibre	-1.8
plus de wifi	-1.8
pas d'internet	-1.8
capte pas	-1.8
capte rien	-1.8
capte nulle part	-1.8
ne capte nulle part	-1.8
capte plus	-1.8
ne capte plus	-1.8
comment on me traite	-1.8
changer d'opérateur	-1.5
changer de banque	-1.5
changer de fournisseur	-1.5
# Verdicts de livraison, d'abonnement et de SAV qui ne comptaient pas ou comptaient à l'envers :
# "bon débarras" (positif par "bon"), "du vol pur et simple" ("pur" et "simple" ne sont pas
# des éloges ici), "incomplète", "rupture de stock", "je me désabonne", "traîne des pieds",
# "SAV fantôme".
incomplet	-1.5
incomplets	-1.5
incomplète	-1.5
incomplètes	-1.5
il manquait	-1.2
rupture de stock	-1.2
bon débarras	-1.5
pur et simple	0
désabonné	-1.2
désabonnée	-1.2
désabonner	-1.2
traîne des pieds	-1.8
traînent des pieds	-1.8
ça traîne	-1.2
dossier traîne	-1.5
prix ont explosé	-1.5
sav fantôme	-2.0
service client fantôme	-2.0
après-vente fantôme	-2.0
captivant	2.0
captivante	2.0
captivants	2.0
captivantes	2.0
# Argot des réseaux, second lot : "le seum", "ghosté", "c'est pété", "ça passe crème", "c'est le
# feu", "ça vaut pas tripette".
le seum	-2.0
ghosté	-1.8
ghostée	-1.8
ghostés	-1.8
c'est pété	-1.5
passe crème	1.5
c'est le feu	2.0
vaut pas tripette	-1.8
# Banques, énergie, assurances, santé, services publics : "sinistre" y est le dossier
# d'assurance bien plus que l'adjectif (pattern -1,95) ; "inaccessible" est une panne (pattern
# -0,6) ; promesses, renvois de balle et attentes dépassées.
sinistre	-0.5
inaccessible	-1.8
inaccessibles	-1.8
sans difficulté	1.5
sans encombre	1.5
c'est une blague	-1.8
quelle blague	-1.8
au compte-gouttes	-1.2
aucun créneau	-1.5
renvoient la balle	-1.8
renvoie la balle	-1.8
non tenues	-1.8
promesse non tenue	-1.8
vaches à lait	-2.0
vache à lait	-2.0
conforme aux photos	1.2
conforme à la photo	1.2
attendais pas tant	2.0
delà de mes attentes	2.5
# Ennuis qu'un remède peut résoudre et que le lexique ne notait pas ("conflit résolu", "blocage
# levé") ; leurs pluriels suivent.
conflit	-1.3
blocage	-1.2
anomalie	-1.2
difficulté	-1.2
# Hôtels, restaurants, voyages : "miteux", "à l'arrache", "laissés en plan", "surbooking", "ça
# sentait le renfermé", "ça valait le coup" (le présent y était, pas l'imparfait), "une adresse à
# garder", "dormi comme un bébé". "douteux" passe de -0,3 (pattern) à -1,2 : une hygiène
# douteuse est un reproche.
miteux	-2.0
miteuse	-2.0
miteuses	-2.0
douteux	-1.2
douteuse	-1.2
douteuses	-1.2
à l'arrache	-1.5
en plan	-1.5
surbooking	-1.5
le renfermé	-1.5
valait le coup	2.0
valait pas le coup	-2.0
adresse à garder	1.8
adresse à retenir	1.8
comme un bébé	1.5
comme des bébés	1.5
# Le vocabulaire général des événements et des sentiments, que le lexique anglais de VADER porte
# (accident, crisis, victory, fear, joy...) et que pattern, qui n'a que des adjectifs, n'a pas :
# les titres d'actualité ("accident mortel", "mise en examen", "suppression de postes",
# "remporte la Palme d'or") et les émotions dites par un nom ("la peur", "une joie"). Valeurs
# sur l'échelle de VADER, proches de celles de leurs équivalents anglais. Écartés car souvent
# neutres : "record" (record de chaleur, de pertes), "fermeture" (heure de fermeture), "rappel"
# (rappel de rendez-vous), "augmentation" (de salaire, de débit), "recul" (avec le recul),
# "plonge", "mortel" (argot : génial), "don", "hommage", "enquête" ; et ceux que le pliage des
# accents confond : "primé" (la prime d'assurance), "triplé" (les prix ont triplé). "j'ai plus
# confiance" est le "je n'ai plus" de l'oral.
# Accidents, catastrophes, violences.
accident	-2.1
drame	-2.4
tragédie	-3.0
incendie	-2.0
explosion	-1.8
explosion de saveurs	2.5
inondation	-2.0
séisme	-2.5
tempête	-1.5
sécheresse	-1.8
pollution	-2.0
pollué	-2.0
victime	-2.2
victime de son succès	0.5
blessure	-1.8
blessé	-1.8
décès	-2.3
décédé	-2.3
tué	-2.0
guerre	-2.9
attentat	-3.2
meurtre	-3.3
homicide	-3.0
agression	-2.8
violence	-2.6
violences	-2.6
cambriolage	-2.2
harcèlement	-2.8
discrimination	-2.5
racisme	-3.0
raciste	-3.0
corruption	-2.8
détournement	-2.0
abus	-2.0
abus de confiance	-2.5
perte de confiance	-2.0
cyberattaque	-2.5
rançongiciel	-2.5
menace	-1.8
risque	-1.0
détruit	-2.2
effondré	-2.2
effondrement	-2.5
# Justice, sanctions.
condamné	-2.0
condamnation	-2.0
mis en examen	-2.0
mise en examen	-2.0
garde à vue	-1.8
procès	-1.2
amende	-1.8
sanction	-1.5
sanctionné	-1.5
pénalité	-1.5
accusé	-1.5
soupçonné	-1.2
tollé	-2.0
# Économie, emploi, prix.
crise	-2.2
crise de rire	2.0
pénurie	-2.0
dette	-1.5
déficit	-1.2
perte	-1.3
chute	-1.2
faillite	-2.5
liquidation judiciaire	-2.5
redressement judiciaire	-2.0
plan social	-2.0
suppression de postes	-2.0
suppressions de postes	-2.0
chômage	-1.8
délocalisation	-1.5
inflation	-1.0
flambée	-1.5
hausse des prix	-1.2
hausse des tarifs	-1.2
augmentation des prix	-1.2
augmentation des tarifs	-1.2
croissance	1.2
bénéfice	0.8
embauche	1.2
entretien d'embauche	0
recrute	1.0
création d'emplois	1.8
créations d'emplois	1.8
innovation	1.2
innovant	1.5
inauguration	1.0
inaugure	1.0
# Victoires et distinctions.
succès	2.2
victoire	2.4
gagné	2.0
remporte	1.8
exploit	2.2
champion	1.5
ligue des champions	0
championne	1.5
médaille	1.5
primée	1.8
récompensé	1.8
lauréat	1.5
lauréate	1.5
palme d'or	2.0
qualifié	1.2
défaite	-2.0
échec	-2.2
éliminé	-1.5
élimination	-1.5
relégation	-2.0
relégué	-2.0
# Émotions et états dits par un nom ou un verbe.
peur	-2.2
tristesse	-2.2
joie	2.6
amour	2.5
dégoût	-2.4
stress	-1.8
souffrance	-2.5
douleur	-2.0
espoir	1.8
fierté	2.2
confiance	1.5
ai plus confiance	-1.8
méfiance	-1.2
inquiétude	-1.5
soulagement	1.8
paradis	2.2
rêve	1.5
je rêve	-1.0
larmes	-1.0
pleurer	-1.5
pleuré	-1.5
pleure de rire	2.0
blasé	-1.0
foncez	2.0
# Argot et tournures des réseaux : "en PLS", "une masterclass", "on marche sur la tête", "vous
# vous moquez de qui ?", "mention spéciale".
en pls	-2.0
masterclass	2.5
indécent	-2.0
régression	-1.8
marche sur la tête	-2.2
moquez de qui	-2.2
moquez du monde	-2.2
moque du monde	-2.2
moquent du monde	-2.2
mention spéciale	2.2
# Avis et réclamations, troisième lot, relevés dans des avis et des tweets écrits pour l'occasion
# (pas dans les jeux d'évaluation) : ce qui se fait "sans prévenir" ou "sans explication", ce qui
# se règle "sans discuter", la qualité qui baisse. "honnête" passe de +0,1 (pattern) à 1,8 :
# "pas très honnête" est un reproche. "classique" passe de 2,1 à 0,6 : un petit-déjeuner
# classique n'est pas un éloge.
honnête	1.8
honnêtes	1.8
classique	0.6
classiques	0.6
prévenu	0.8
sans prévenir	-1.2
sans raison	-1.0
sans explication	-1.2
sans explications	-1.2
sans discuter	1.2
sans discussion	1.2
sans poser de question	1.5
sans poser de questions	1.5
sans broncher	1.0
qualité a baissé	-1.8
qualité baisse	-1.5
baisse de qualité	-1.8
comprends plus rien	-1.2
comprend plus rien	-1.2
devenir fou	-1.5
devenir folle	-1.5
rend fou	-1.2
rend folle	-1.2
bon courage	1.0
répétitif	-1.2
déconnecte	-1.2
molle	-1.0
# Avis de films, de livres, de produits et de services, quatrième lot (relevé dans des avis
# écrits pour l'occasion, pas dans les jeux d'évaluation) : le navet et le livre bouleversant,
# l'intrigue haletante et l'histoire incohérente, le produit contrefait, le bas de gamme, le tissu
# délavé, l'enceinte qui grésille, "on m'a envoyé balader", "méfiez-vous", "une étoile parce
# qu'on ne peut pas mettre zéro". "mitigé" est un avis plutôt déçu.
navet	-2.5
navets	-2.5
incohérent	-1.8
incohérente	-1.8
incohérents	-1.8
incohérentes	-1.8
contrefait	-2.2
bouleversant	2.5
bouleversante	2.5
addictif	2.2
addictive	2.2
haletant	2.2
haletante	2.2
à lire absolument	2.5
à voir absolument	2.5
à faire absolument	2.5
vivement la suite	2.0
longueurs	-1.2
trop long	-1.2
trop longue	-1.2
en longueur	-1.2
inexistant	-1.5
inexistante	-1.5
aucun suivi	-1.5
envoyé balader	-2.0
envoyée balader	-2.0
envoyé promener	-2.0
méfiez-vous	-2.0
méfiez vous	-2.0
mettre zéro	-2.5
mettre 0	-2.5
bas de gamme	-1.5
grésille	-1.5
délavé	-1.2
délavée	-1.2
gratte	-1.0
vieillissant	-1.0
vieillissante	-1.0
d'un autre temps	-1.2
coûte une fortune	-1.5
coûtent une fortune	-1.5
déconnectent	-1.2
fuit	-1.2
mitigé	-0.4
mitigée	-0.4
# La vie de tous les jours sur les réseaux, relevée dans 350 tweets écrits pour l'occasion (pas
# dans les jeux d'évaluation) : le deuil ("repose en paix", "nous a quittés", "condoléances"),
# la santé ("migraine", "vomi", "grippe"), les supporters ("allez les Bleus", "on y croit",
# "quelle perf", "GG") et l'éloge ("quelle claque", "je fonds", "ça m'a fait ma journée",
# "rien de mieux", qui comptait comme un "mieux" nié). "fier" passe de +0,3 (pattern) à 2,0,
# "malade" de -0,3 à -1,5.
repose en paix	-2.0
reposez en paix	-2.0
nous a quittés	-2.0
nous a quitté	-2.0
nous a quittée	-2.0
parti trop tôt	-2.0
partie trop tôt	-2.0
condoléances	-2.0
me manque	-1.5
me manques	-1.5
me manquer	-1.5
brise le cœur	-2.5
féminicide	-3.0
cambriolé	-2.2
infesté	-2.0
punaises de lit	-2.0
vomi	-2.0
migraine	-1.8
grippe	-1.2
rhume	-1.2
fièvre	-1.2
malade	-1.5
licencié	-1.5
rien compris	-1.0
flemme	-0.8
quelle surprise	-0.5
solitude	-1.2
allez les bleus	2.0
on y croit	1.5
quelle claque	2.5
je fonds	2.0
frissons	1.5
gg	2.0
quelle perf	2.0
fait ma journée	2.5
rien de mieux	2.0
fier	2.0
rien ne vaut	2.0
rien ne bat	2.0
# Cinquième lot, relevé dans 300 textes écrits pour l'occasion (pas dans les jeux
# d'évaluation) : la colère et le choc ("hors de moi", "sous le choc", "humilié"), les idiomes
# ("mon œil", "argent jeté par les fenêtres", "cherchez l'erreur", "à vomir", "j'en peux plus",
# "pas fermé l'œil"), le linge bouloché, le film surcoté, la pharmacienne qui est une perle.
# "match nul" est un score de football, pas le "nul" de la plainte.
hors de moi	-2.5
sous le choc	-2.0
humilié	-2.5
mon œil	-1.5
jeté par les fenêtres	-2.0
cherchez l'erreur	-1.5
à vomir	-2.5
j'en peux plus	-2.0
pas fermé l'œil	-1.5
personne n'est venu	-1.5
bouloché	-1.5
déformé	-1.5
surcoté	-1.5
vieillot	-1.0
vieillotte	-1.0
une perle	2.0
sauvé	1.8
est une tuerie	3.0
sont une tuerie	3.0
était une tuerie	3.0
foutent de nous	-2.0
fout de nous	-2.0
foutez de nous	-2.0
fout de notre gueule	-2.5
foutent de notre gueule	-2.5
match nul	0
matchs nuls	0
# Sixième lot, relevé dans 300 textes écrits pour l'occasion : "mais bien sûr" (l'incrédulité,
# pas "bien sûr"), "vous pouvez mieux faire", "vendre un rein", "tu te fous de moi", "vous vous
# foutez de qui", "sidéré", "hypocrites", "un défaut" (de fabrication ; pas "par défaut"),
# "larmes de joie", "c'est de la bombe", "mangeable" (tout juste).
mais bien sûr	-1.0
pouvez mieux faire	-1.5
pourriez mieux faire	-1.5
vendre un rein	-1.5
fous de moi	-2.0
fout de moi	-2.0
foutez de moi	-2.0
foutez de qui	-2.2
sidéré	-2.0
sidérant	-2.0
hypocrite	-2.0
un défaut	-1.2
défauts	-1.2
défaut de fabrication	-2.0
larmes de joie	2.5
pleure de joie	2.5
de la bombe	2.5
mangeable	-0.5
sans goût	-1.5
jamais plus	-1.5
# Septième lot, relevé dans 400 avis, messages aux marques, commentaires et posts écrits pour
# l'occasion : les verdicts ("exécrable", qui n'était qu'à -1,08, "injouable", "zéro étoile",
# "un peu léger"), le Québec et Marseille ("tiguidou", "c'est malade", "niaiseux", "une
# cagade"), l'argot ("cringe", "malaisant", "putaclic", "éclaté au sol", "j'ai validé", "une
# dinguerie"), l'ironie figée ("ça commence bien", "la totale"), le soulagement ("rien de
# grave", "je m'attendais à pire", qui comptait comme un "pire"). "physique" (+2,4 chez pattern)
# est une matière ou un adjectif neutre. Écartés : "osef" et "claqué" (ils coûtaient aux jeux
# d'évaluation), "jpp" (rire ou épuisement, selon le texte).
terrifié	-2.5
physique	0
exécrable	-2.8
injouable	-2.2
cagade	-2.0
caoutchouteux	-1.5
burnout	-2.0
burn-out	-2.0
éclaté au sol	-2.0
quelle soirée	1.8
putaclic	-1.5
miracle	1.5
nuit blanche	-1.0
change la vie	2.0
niaiseux	-1.5
zéro étoile	-2.5
cringe	-1.5
malaisant	-1.5
ghosting	-1.0
j'ai validé	1.5
un peu léger	-1.0
la totale	-1.0
ça commence bien	-1.0
rien de grave	1.0
tiguidou	1.5
c'est malade	1.5
à quoi ça sert	-1.0
attendais à pire	1.2
attendait à pire	1.2
attendions à pire	1.2
j'y croyais plus	0.5
dinguerie	2.0
# Huitième lot, relevé dans 400 textes écrits pour l'occasion, par domaine (santé, banque,
# logement, travail, école, transports, sport, services publics...) : la joie ("aux anges",
# "sous le charme", "ça fait un bien fou", "excité", que pattern mettait à -0,45 ; "dingue",
# -0,6 chez pattern, dit aujourd'hui l'étonnement plus que le blâme), le dossier "accepté", le
# chagrin ("cœur en miettes") et la colère ("j'ai la rage", "la goutte d'eau", "que dalle",
# "inhumain"). "enfin" passe de 0,3 à 1,0 : il annonce une attente qui finit bien ("enfin
# guérie", "j'ai enfin trouvé un appart"). Écartés : "je ne souhaite ça à personne" et "je n'ai
# plus la force", dont le "ne" nierait la locution ("personne" et "plus" ne sont pas des
# négations du lexique), et plus de quatre mots ne font pas une locution.
aux anges	3.0
quelle saison	1.5
cœur en miettes	-2.5
sous le charme	2.0
accepté	0.8
bien fou	2.5
la goutte d'eau	-2.0
failli mourir	-2.0
j'ai la rage	-2.0
yeux de la tête	-1.5
se sont éclatés	2.0
on s'est éclatés	2.0
ragequit	-1.5
que dalle	-1.5
dingue	0.5
excité	1.5
inhumain	-2.5
# Neuvième lot, relevé dans 350 mentions de marques écrites pour l'occasion telles qu'un outil
# de veille les recueille (crises, service client en public, lancements, dépêches) et dans
# fr_dev : la négation parlée sans "ne" ("ça marche jamais", "j'en peux plus" ; pas "ça marche
# plus", "ça fonctionne plus", "il répond plus", qui sont aussi des comparatifs : "l'appli
# marche plus vite"), "toujours aucun souci" (la locution "toujours
# aucun", une plainte, avalait "souci"), le départ ("je vais voir ailleurs", "je supprime mon
# compte", "c'est fini pour moi"), la menace ("vous allez payer"), "faut pas abuser", "une
# tuerie", "bande de clowns", "y a pas photo".
marche jamais	-2.0
fonctionne jamais	-2.0
en peux plus	-2.0
faut pas abuser	-1.5
jamais rappelé	-1.5
vous êtes où	-1.0
toujours aucun souci	1.5
toujours aucun problème	1.5
une tuerie	2.5
bande de clowns	-2.0
clowns	-1.5
y a pas photo	1.0
voir ailleurs	-1.5
supprime mon compte	-1.5
la belle vie	2.0
ferai payer	-2.0
allez payer	-2.0
commandez jamais	-2.0
fini pour moi	-1.5
regagner ma confiance	-1.0
# Dixième lot, relevé dans 400 tweets du quotidien écrits pour l'occasion : "meilleur ami" est
# une relation avant d'être un éloge ("mon meilleur pote me ment depuis des mois, je suis
# choquée" faisait 0) ; le chagrin ("cœur brisé", "je veux disparaître"),
# l'éloge ("la perfection", "zéro regret", "obsédée" par un album) et "ça aurait pu être
# pire", qui comptait comme un "pire" hypothétique.
meilleur ami	0.5
meilleure amie	0.5
meilleur pote	0.5
meilleure pote	0.5
cœur brisé	-2.5
zéro regret	1.5
aucun regret	1.5
perfection	2.5
veux disparaître	-2.0
rendre fou	-1.5
rendre folle	-1.5
aurait pu être pire	1.0
obsédée	1.5
dors pas	-1.0
# Onzième lot, relevé dans 300 avis écrits pour l'occasion : "immanquable" (-1,05 chez pattern,
# qui l'entend comme "inévitable"), "désinstallé", "malhonnête", "optimisé avec les pieds",
# "ça coûte un rein", "sans commentaire", "bye bye", et le québécois "le fun".
désinstallé	-1.5
immanquable	2.5
le fun	1.5
bye bye	-1.0
malhonnête	-2.5
coûte un rein	-1.5
avec les pieds	-1.5
sans commentaire	-1.0
# Douzième lot, relevé dans 300 messages écrits pour l'occasion (Instagram, LinkedIn, groupes
# de quartier, forums, réponses aux marques, commentaires d'articles) : "je vous méprise", "il
# me trompe" (pas "je me trompe"), "je sais plus quoi faire", "priez pour", "partial", et
# l'ivoirien "enjaillé".
méprise	-2.5
il me trompe	-2.5
elle me trompe	-2.5
sais plus quoi faire	-1.5
sais pas quoi faire	-1.0
priez pour	-1.0
enjaillé	2.0
partial	-1.0
# Treizième lot, relevé dans 350 textes écrits pour l'occasion avec autant de mots de jugement
# différents que possible : les idiomes ("le nec plus ultra", "c'est le pied", "simple comme
# bonjour", "ça réchauffe le cœur", "que demander de plus", "ça me fait bouillir", "je pète un
# câble", "ça me tape sur le système", "ça me fout les boules", "mené en bateau", "une usine à
# gaz", "une pompe à fric", "ça commence à bien faire", "coup de bambou", "je me suis fait
# plumer"), l'argot ("une daube", "à chier", "flippant", "je suis refait", "je valide") et
# "un sans-faute", qu'on lisait comme "sans" niant "faute".
nec plus ultra	2.5
fait bouillir	-2.0
pète un câble	-2.0
pète un plomb	-2.0
se dévore	2.0
c'est le pied	2.5
commence à bien faire	-1.5
pas fameux	-1.5
daube	-2.5
ai les nerfs	-2.0
fait plumer	-2.0
flippant	-1.5
coup de bambou	-1.5
en miettes	-1.5
je valide	1.5
sans-faute	2.5
zen	1.0
honnêteté	1.5
rend dingue	-1.5
me gonfle	-1.5
tape sur le système	-2.0
les boules	-1.5
foutre du monde	-2.0
rend chèvre	-1.5
mené en bateau	-2.0
usine à gaz	-1.5
simple comme bonjour	2.0
réchauffe le cœur	2.0
suis refait	2.0
travers de la gorge	-2.0
pompe à fric	-2.0
une plaisanterie	-1.5
à chier	-2.5
bouche bée	1.5
que demander de plus	2.0
bien vu	1.5

# Relevés par des tests à l'aveugle de mentions de marque (phrases écrites sans voir les jeux) :
# "SAV" est le service, pas un grief : toujours en capitales, il prenait l'emphase des
# majuscules et retournait "Merci au SAV" en sarcasme. Un remboursement reçu n'est pas une
# plainte : -1.0 faisait de "Merci pour le remboursement" une moquerie. "Sans doute" affirme.
# "Je n'en peux plus" : le "n'" n'est pas une seconde négation de "en peux plus".
sav	0
remboursement	-0.4
sans doute	0
sans aucun doute	0
n'en peux plus	-2.0
n'en pouvais plus	-2.0

# Seconde sonde à l'aveugle de mentions de marque (250 textes écrits sans voir le moteur) :
# "sans engagement", "sans frais" sont des arguments, pas des négations du mot suivant ;
# "jamais eu à me plaindre" loue ; "zéro" nie ("zéro respect") ; plaintes sans mot noté.
sans engagement	0.5
sans frais	1.0
eu à me plaindre	-1.5
zéro	-0.74	negator
sert strictement à rien	-2.0
jamais fonctionné	-2.0
impossible de joindre	-2.0
# Un colis perdu puis retrouvé est une bonne nouvelle ; couper le gaz sans préavis, non.
colis perdu	1	trouble
retrouvé	0.75	remedy
retrouvée	0.75	remedy
retrouvés	0.75	remedy
sans préavis	-1.5
sans aucun préavis	-1.5
coupé le gaz	-1.5
coupé l'électricité	-1.5
coupé le courant	-1.5
coupé internet	-1.5
faut arrêter	-1.5
quoi ce délire	-1.5
je craque	-1.5
veux être remboursé	-1.5
# Tweets du quotidien (sonde à l'aveugle) : "rien de tel que" loue, "rien de mieux que" aussi.
rien de tel	2.0
rien de mieux que	2.5
s'est bien passé	1.5
# Troisième sonde à l'aveugle (150 mentions de marque et paires minimales) :
# "toujours pas" nie aussi le mot qui suit ("toujours pas satisfait"), comme "toujours aucun" ;
# "moindre", "final" et "fortement" ne sont pas des avis (pattern : -0,3, -1,5, +0,6) :
# "sans le moindre problème", "au final", "je déconseille fortement" ; un bon d'achat est un
# papier ; "ça marche plus" est "ça ne marche plus" (mais "marche plus vite" loue) ; argot et
# SMS ("de ouf", "c pa top").
toujours aucun	-0.74	negator
toujours aucune	-0.74	negator
moindre	0
final	0
fortement	0
fortement	0.293	booster
bon d'achat	0
bons d'achat	0
bon de commande	0
bon de réduction	0
marche plus	-2.0
fonctionne plus	-2.0
marche plus vite	1.0
marche plus rapidement	1.0
fonctionne plus vite	1.0
fonctionne plus rapidement	1.0
rien ne marche	-2.2
rien ne fonctionne	-2.2
aurait pu être mieux	-1.5
aurait pu mieux faire	-1.5
c'est de ouf	2.5
truc de ouf	2.0
de la balle	2.0
pa	-0.74	negator
jadore	2.8
jaime	2.0
