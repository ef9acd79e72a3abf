"""Fuzzing with random rule files: any valid rule file a stranger writes, on any text,
keeps the POLICY.md invariants. Rule files are generated as TOML text (all five kinds,
optional keys, patterns over a small alphabet so that they really hit the texts) and
go through the same parser as files on disk."""
from hypothesis import example, given, strategies as st

from cleaner import Cleaner
from cleaner.pipeline import default_cleaner
from cleaner.ruleset import parse

from conftest import check_invariants, fixture_pairs
from strategies import BUILTIN_IDS, FIXTURE_LINES, rule_files, texts

def _rule_ids(outlets) -> set[str]:
    return {r.id for o in outlets for r in o.rules}


# Failures random runs found, kept as fixed examples (HYPOTHESIS_PROFILE=random finds more).
@given(rule_files("fz"), texts, st.booleans())
# a signature `a\s` once matched "a" and the newline after it (the detector scanned the
# joined page, the engine each line alone): clean("a") was "a\n", clean("a\n") was ""
@example("[outlet]\nid = 'fz'\nsignatures = ['a\\s']\n[[rule]]\nid = 'fz-r0'\nkind = 'drop_line'\n"
         "pattern = 'a'\n", "a", False)
@example("[outlet]\nid = 'fz'\nsignatures = ['a\\s']\n[[rule]]\nid = 'fz-r0'\nkind = 'drop_line'\n"
         "pattern = 'a'\n", "a\n", False)
# a known outlet's file that asks for the fallback: it removed the line above the
# headline, so the headline's copy under it came next, which clean(output) dropped as a
# headline printed twice: the repeats are looked for again after the fallback
@example("[outlet]\nid = 'fz'\nfallback = true\n[[evidence]]\nid = 'fz-e0'\npattern = 'a'\nweight = 1\n"
         "[[evidence]]\nid = 'fz-e1'\npattern = 'a'\nweight = 1\n[[rule]]\nid = 'fz-r0'\n"
         "kind = 'drop_line'\npattern = 'a'\nenabled = false\n",
         "  • Humidity\n      Is the battle to avoid the drop more interesting than the fight for the title?\n"
         "      Is the battle to avoid the drop more interesting than the fight for the title?", False)
def test_random_rule_file_keeps_invariants(toml, text, forced):
    outlets = [parse(toml, "fz.toml")]
    cleaner = Cleaner(outlets=outlets)
    check_invariants(cleaner, text, _rule_ids(outlets), outlet="fz" if forced else None)


@given(rule_files("fz"), rule_files("generic"), texts)
# a caption marker with no line below it was taken alone, though its `caption` pattern
# turned down the line that a second cleaning then put below it: "a\na" gave "a", then ""
@example("[outlet]\nid = 'fz'\nsignatures = ['zzz']\n",
         "[outlet]\nid = 'generic'\n[[rule]]\nid = 'generic-r0'\nkind = 'drop_caption'\n"
         "pattern = 'a'\ncaption = 'aa'\nlines = 1\n", "a\na")
# rule files without the built-in markup rules keep a page's HTML line, which then opens
# the output: cleaned again as text (it is text), it stays
@example("[outlet]\nid = 'fz'\n", "[outlet]\nid = 'generic'\n",
         '1\n<!DOCTYPE html> <html lang="en"> <head> <title>Council approves new cycle lanes</title>')
def test_random_outlet_plus_random_generic_rules(toml, generic, text):
    outlets = [parse(toml, "fz.toml"), parse(generic, "generic.toml")]
    cleaner = Cleaner(outlets=outlets)
    check_invariants(cleaner, text, _rule_ids(outlets))


# residue: every line the built-in rules' own examples say is boilerplate, plus the
# usual suspects of scraped pages
RESIDUE = sorted({ln for o in default_cleaner().outlets for r in o.rules
                  for ex in r.examples for ln in ex.split("\n")}
                 | {"Read more", "Advertisement", "Share", "Skip to content", "Topics",
                    "Follow us on Twitter", "© 2024 All rights reserved", "Photo Caption,"})

@st.composite
def pages_with_residue(draw):
    """A real fixture page with residue lines dropped in at random places."""
    _, src, _ = draw(st.sampled_from(fixture_pairs()))
    lines = src.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(0, 12))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(RESIDUE)))
    return "\n".join(lines)


@given(st.one_of(
    st.text(),                                                           # any Unicode
    st.lists(st.sampled_from(FIXTURE_LINES + RESIDUE), max_size=60).map("\n".join),
    st.lists(st.one_of(st.sampled_from(RESIDUE), st.text(max_size=40)), max_size=30)
      .map("\n".join),
    pages_with_residue(),
))
# a caption window that declined on a line a later rule set removes (ht-print-teaser's
# 'P4' under a comment-form line): one cleaning must judge it again, as a second would
@example("Hindustan Times (AA)\n0000000000\n"
         "Your email address will not be published. Required fields are marked *\nP4")
# the headline's copy under a doubled caption: it follows the headline once the caption
# pair goes, so the headline check comes after drop_doubled
@example('HT Wired Wisdom: Is a foldable phone worth the price yet?\n"Jazz at Kino" Courtesy of '
         'Kino\n"Jazz at Kino" Courtesy of Kino\nHT Wired Wisdom: Is a foldable phone worth the '
         'price yet?')
# a caption rule's `above` read a line removed above it as its text; the output prints a
# blank there, and the second cleaning took the picture under it (bbc-old-picture)
@example('0\nTHE ARTICLE IS IN RUSSIAN\n000000\n0000000000 a\n\n0')
# a removed line and a blank line print as one blank: a caption whose `above` reads
# 'Today in History' two lines up in the output is taken on the first cleaning too
@example('Today in History, Fe 5\nSupport The Moscow Times\n\nRaegilno\n\nA')
# and a later (generic) rule removing the line between: a second look reads it so too
@example('Support The Moscow Times\nToday in History, Fe 0\ndate 0002-04-00 \n\nBT Ncehl\nos year ago today')
# a figure and a word under a date line a rule removed was taken for a short title on the
# first cleaning (the date line above it) and went on the second (nothing above it)
@example('PUBLISHED 0OCTOBER0000\nA:0\n0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:A:A:A:A')
def test_builtin_rules_keep_invariants(text):
    check_invariants(default_cleaner(), text, BUILTIN_IDS, html=False)


@given(pages_with_residue(), st.sampled_from([o.id for o in default_cleaner().outlets]))
# a repeated credit line, dropped by drop_repeats after the rules, stood between a live
# label and the names under it (bbc-live-label-names): the rules judge again in a round
@example('\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\nKana amfani da shafin BBC mai bayyana rubutu kawai (babu hoto) domin rage cin data. Idan ana so a ga hotuna da bidiyo sai a koma babban shafinmu.\n\nKoma shafi mai hoto\n\nSamu ƙarin bayani kan shafin tattalin data\n\nLabaran Najeriya kai-tsaye\n\nRahoto kai-tsaye\n\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\n\nNasidi Adamu Yahaya and Halima Umar Saleh\n\n  1. Rufewa\n\n    Mu kwan lafiya.\n\n  2. An sace mutum 200 a Sokoto\n\n    Mazauna kauyuka sun ce matsalar satar mutane sai kara kamari take.\n\nDaga Aisha Babangida, Haruna Kakangi, da Umar Mikail\n', "bbc_mirror")
# the fallback (outlet forced to generic) dropped a 24-word lead over an embedded
# player's notice and caption, and kept a widget's label ("Like this:") as the page's
# title: once the date line under it went, the next line became its value and went, and
# so on, a line more each round, until the round limit
@example('Like this:\nPage last updated at 16:05 GMT, Thursday, 12 March 2009\n\nCouncils warned over flood defence spending\n\nBy Alan Pritchard\nEnvironment correspondent, BBC News\n\nCouncils in England must spend more on flood defences or face a repeat of the damage caused two summers ago, a report has warned.\n\nMedia playback is unsupported on your device\nFlood water reached the town centre within an hour\n\nThe report by MPs found that a third of flood defence schemes had been delayed because of a lack of money.\n\nimage copyrightPA\nImage caption Residents were moved to a school hall for three nights\n\nThe minister said the government had increased spending and would respond to the report in full.\n\nInside Out, BBC One, Monday 16 March at 19:30 GMT and then available in the UK on BBC iPlayer.\n', "generic")
# the fallback's gallery test counted photo credits it had removed itself: the first
# cleaning saw a gallery and kept a caption ending with its credit, the second saw none
@example("Commuters wade through a waterlogged stretch near ITO. (Sanchit Khanna/HT Photo)\n\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\n×\nEnjoying ad-free content?\nSince July 1, 2024, we have disabled all ads to improve your reading experience.\nThis commitment costs us $10,000 a month. Your support can help us fill the gap.\nSupport us\nOur journalism is banned in Russia. We need your help to keep providing you with the truth.\n\nKazan Opens Russia's First Robot-Run Pharmacy\n\nMarat Sadykov / Realnoe Vremya\n\nA pharmacy staffed entirely by robots opened in the Tatarstan capital on Monday, the regional health ministry said.\n\nThe robots dispense prescriptions ordered through a mobile app, and the pharmacy stays open around the clock, the ministry said, adding that a pharmacist sits in a back office to answer questions from customers who need advice and that similar pharmacies could open in Naberezhnye Chelny and Almetyevsk next year. Valentina Pevtsova / The Kazan Herald\n\nCustomers at the robot pharmacy in Kazan. Valentina Pevtsova / The Kazan Herald\n\nThe project cost 40 million rubles, officials said.\n\nRead more about: Tatarstan , Health\n\nIndependent journalism isn’t dead. You can help keep it alive.\n\nAs the only remaining independent, English-language news source reporting from Russia, The Moscow Times plays a critical role in connecting Russia to the world.\n\nEditorial decisions are made entir\n", "generic")
# a repeated credit, removed after the rules, stood right above a picture pair whose
# `above` asked for a blank line: the rules judge again once it goes (bbc-old-picture)
@example('\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\n\n\nBBC News Africa\n\nTop Stories\n\nLatest Updates\n\n\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\n6 14 16 18 20 22 24\nSomali refugee poet: Why I am a walking stereotype\n\nEighteen-year-old Saida Dahir, a Somali refugee living in the US, has told the BBC that her new spoken-word collection of poetry is her way of showing people what it is like to be a migrant.\n\nThe collection was released on iTunes last month and includes 13 poems, all in English.\n', "bbc_mirror")
# a photo's credit right over the body, under a date line a rule removed, was taken for the
# page's short title on the first cleaning and went as a credit on the second
@example('Updated on Jun 11, 2021 04:43 PM IST\n\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\nကိုယ်ရေးအချက်အလက်လုံခြုံမှုနှင့် ကွတ်ကီးအသုံးပြုမှု မူဝါဒများ အသစ်ပြင်ဆင်ထားပါသည်။\nကိုယ်ရေးအချက်အလက်လုံခြုံမှုနှင့် ကွတ်ကီးအသုံးပြုမှု မူဝါဒများတွင် အရေးကြီးသော အပြောင်းအလဲအချို့ပြုလုပ်ထားသဖြင့် သုံးစွဲသူများအပေါ် သက်ရောက်မှုကို အသိပေးလိုပါသည်။\nUNESCO စာရင်းဝင်သင်္ကြန်နဲ့ အာဏာသိမ်းကာလပျောက်ကွယ်လုဖြစ်လာတဲ့မြန်မာ့ဒြပ်မဲ့ များ\n- ရေးသားသူ, မင်းသစ်\n- ရာထူးတာဝန်, ဘီဘီစီမြန်မာပိုင်း\nမြန်မာ့ရိုးရာသင်္ကြန် ကို ၂၀၂၄ ဒီဇင်ဘာ ၅ ရက် မှာ ကုလသမဂ္ဂရဲ့ ပညာရေး၊ သိပ္ပံနှင့်ယဉ်ကျေးမှုအဖွဲ့ UNESCO ရဲ့ ဒြပ်မဲ့ယဉ်ကျေးမှုအမွေအနှစ်(ICH) စာရင်းဝင်အဖြစ် ကြေညာခဲ့ပါတယ်။\nမြန်မာသင်္ကြန်ကို ဒြပ်မဲ့ယဥ်ကျေးမှုအမွေအနှစ်စာရင်းဝင်ဖို့ ၂၀၂၃ မတ်လက စတင်တင်သွင်းခဲ့တာဖြစ်လို့ တစ်နှစ်နဲ့ကိုးလအကြာမှာကမ္ဘာ့ဒြပ်မဲ့အမွေအနှစ်စာရင်းဝင်အဖြစ် သတ်မှတ်', "generic")
# a date line a border rule removed stood between a paragraph and a photo's credit, so it
# parted two short paragraphs and nothing read as an article (all kept); once the credit
# and the date line went, a second cleaning found the article and dropped the section title
@example('Skip to main content\n\nBBC Election 2005\nWatch the BBC Election News\n\nLast Updated: '
         'Monday, 2 May, 2005, 09:12 GMT 10:12 UK\n\nAt a glance: Monday\n\nLabour leaders set out '
         'their plans for schools on the final Monday of the campaign.\nUpdated on Jun 11, 2021 04:43 '
         'PM IST\n\t\t\t\t\t\t\t\t\t\t \t\t\t\t\tYelena Afonina / TASS\n\nThe Conservatives said '
         'they would publish their costings later in the day.\n', "generic")
# a date line a border rule removed weighed in the test for "no article here" (all kept)
# on the first cleaning; the output, without it, read as an article on the second
@example('\n\n\n\nHT CITY FRONT PAGE / HTCITY\n\nPage 1\nAt such a critical moment in US history, we need '
         'reporters on the ground. Your donation allows us to keep sending journalists to speak to both '
         'sides of the story.\nPublished: 14 April 2008\n\n\nNEW D E L H I , FRI DAY, J UNE 1 0, 2 0 1 6, 8 '
         'PAG ES www.hin dustantimes.com\n\nFestival season opens with a sold-out show\n\nPHOTO: RAJ K '
         'RAJ/HT\n\nThe first concert of the summer festival sold out within an hour, and the organisers '
         'have added a second show for Sunday.\n14 May, 2024, 12:45 pm\n\nTickets for the second show go on '
         'sale on Saturday morning at the venue and online.\n\nriya.sharma@hindustantimes.com\n', "generic")
# a sentence printed four times after the body read as a list's records (a product's
# "Buy Now") on the first cleaning, which kept what followed; with the rule-removed
# "Read more" above it gone, the second cleaning found no records and dropped it all
@example("Support The Moscow Times!\nContribute today\n\nMoscow Court Allows Opposition Candidate to Run After Protest\n\nBy Reuters\n\nThe Moscow city court canceled a decision by the election commission to bar a Russian opposition candidate from running in a municipal election in September.\n\nThe court ruled in favor of the candidate three days after tens of thousands of protesters turned out at a rally in Moscow.\n\nRead more about: Opposition , Protest\n  • Labour wins three of the four police and crime commissioner elections in Wales\n\n  • Labour wins three of the four police and crime commissioner elections in Wales\nRead more\n  • Labour wins three of the four police and crime commissioner elections in Wales\n\nIn photos\n\nIconic Photos From Moscow's Aug. 3 Opposition Protests\n\nThis Saturday's protests led to more than 1,000 people detained and a number of now-famous images.\nopinion\nAndrei Kolesnikov\n\nWho Can Protest Russia's Pension Reforms the Loudest? (Op-ed)\n\nOpposition forces are competing for the spotlight.\nProtest\n\nActivists Detained During Nationwide 'Open Russia' Protests\n\nAn opposition activist has been sentenced to 10 days behind bars following nationwide protests.\n\nThe need for honest and objective information on Russia is more relevant now than ever before!\n\nTo keep our newsroom in Moscow running, we need your support.\n  • Labour wins three of the four police and crime commissioner elections in Wales\n", "generic")
# an appeal's label ('A Message from ...:') past the run's end, behind a date line a rule
# removed, was carried over as the article's tail; cleaned again, the run reached it and
# it went as the appeal: the appeal is looked for wherever after the body
@example('\n\nPrøve GULL - Gratis\nHill towns brace for a dry summer\nAs the snow line retreats, the towns of the upper valley are rationing water months before the season begins\nBy Anita Rao\nDenne historien er fra March 02, 2024-utgaven av The Week.\nAbonner på Magzter GOLD for å få tilgang til tusenvis av kuraterte premiumhistorier og over 9000 magasiner og aviser.\nThe spring that feeds the old market in Tarikot gave half its usual flow in February, and the council has begun to send tankers to the upper wards twice a week.\nFarmers on the terraces below the town say they will plant less this year, and some have already sold their cattle rather than buy fodder.\n"We have seen dry years before, but never one that started in winter," said a council member who has run the water board for a decade.\nPublished 17 October 2023\nA Message from The Moscow Times:\n', "generic")
# a link line a rule removed ('(Read full story here)') weighed a point in the run and
# carried it over a menu line and the teasers after it on the first cleaning only
@example("\n         \n\nKahaani Ghar Ghar Kii actor Sachin Kumar dies of heart attack, Chetan Hansraj and Rakesh Paul express shock\n\nKahaani Ghar Ghar Kii actor Sachin Kumar died of a heart attack on Friday. Several members of the television industry such as Rakesh Paul, Chetan Hansraj, Vineet Raina and Surbhi Tiwari have expressed their condolences, according to a Times of India report.\n\n(Read full story here)\n\nHappy Birthday Vicky Kaushal: Actor delivered an all-time great debut performance in Masaan, his father couldn’t believe his talent\n\nEven Vicky Kaushal’s father wasn’t sure of his talent until he saw Vicky’s debut film, Masaan. Vicky’s father, the action director Sham Kaushal, said that he wasn’t sure what the casting directors saw in his son, and believed them only when the reviews came in. Vicky was a star, and he was here to stay.\n\n(Read full story here)\n\nSonakshi Sinha auctions her artwork to help daily wage workers\n\nIn an effort to help the daily wage earners amid lockdown, actor Sonakshi Sinha has auctioned her artwork including - digital prints, sketches and large canvas paintings in her ‘Bid for Good’ initiative to provide ration to daily wage workers.\n    Quote Message\nA painting by Fyodor Yakovlevich Alekseyev of Moscow's Red Square in the early 19th century.\n\n(Read full story here)\n\nHrithik Roshan fasts for 23 hours to stay healthy, shares his lockdown look\n\nActor Hrithik Roshan is keeping health and fitness first even during the lo", "generic")
# a date line a rule removed at the page's end read as a sentence broken off (the page
# cut in the article) on the first cleaning, which kept the lines above it; the output
# ends with the line above it, and the second cleaning dropped them
@example('\n\n\n\nArticles by HT Correspondent\nU.P. govt okays ₹200-cr flood protection projects\nUnder the state-sponsored flood control plan and NABARD-supported schemes, the projects ensure the construction of RCC pillars, embankment repairs, anti-erosion measures and new pumping stations in the vulnerable areas.\n\nPublished on May 05, 2025 05:20 AM IST\nHT Correspondent, Lucknow\nLudhiana: Health worker held with heroin, ‘Ice’ in Samrala\nThe accused, identified as Deepak Kumar, alias Deepa, is a resident of Chehlan village and employed as a multi-purpose health worker with the health department; police recovered 7 gm heroin and 0.94 gm Ice from his possession\n\nPublished on May 05, 2025 05:16 AM IST\nHT Correspondent, Ludhiana\n    • ਰੋਲ, ਬੀਬੀਸੀ ਨਿਊਜ਼,ਸਿਡਨੀ\nFirst Published: Apr 13, 2019 03:44 IST\n', "generic")
def test_forced_outlet_keeps_invariants(text, outlet):
    check_invariants(default_cleaner(), text, BUILTIN_IDS, html=False, outlet=outlet)
