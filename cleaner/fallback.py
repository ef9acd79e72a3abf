"""The generic classifier for pages of unknown outlets: what no rule decided.

A scraped page is an article inside a frame of menus, teasers, footers and comments.
Each kept line gets a score from features that survive flattening a page to text:
prose (enough words, the page language's stopwords, sentence punctuation) scores its
word count, up to a cap (a line of several paragraphs' length, a page sent as one
line, counts them all); menu-sized and unpunctuated lines, Title Case teasers, menus
run into one line and headings such as "Most popular" cost a penalty; short punctuated
lines, credits and rows of figures score a little; a summary under a link marked with
an arrow ("» Other story") is a teaser. The article is the contiguous run with the
highest total (a maximum-sum segment), cut before a comments section, looked for before
the publisher's footer when it holds two legal notices (copyright, trademarks, terms),
and carried over a closing list or table up to the next menu line or residue; a page
whose best run holds less prose than one long sentence is kept whole (there is no
article to find). Inside the run everything stays
(sub-headings, lists, quotes) except lines repeating the frame and separators without
words, which never end the run either (a live page's entries stay together). Above the
run, the article's head stays: the headline and standfirst, not the bylines, dates and
captions between them and the body (`_head`). Everything else goes, with its
reason. For HTML (`extracted`), trafilatura chose the content: only comments go.

Decisions are stable when removed lines disappear: every prefix and suffix of the
chosen run has a positive total, so cleaning the output again picks the same run.
Stoplists are jusText's (`justext.get_stoplist`), loaded when the fallback first runs.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter

import regex

from .document import Document
from .engine import DOUBLED_MAX, REPEAT_MIN
from .languages import stoplist_name

# (a word goes on over combining marks: the vowel signs of Indic scripts, decomposed accents)
WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*")
# On Latin-1 text (most lines) WORD finds the maximal runs of letters, digits, ' and -,
# each less its leading ' and - (a word starts with a letter or digit). This byte table
# lower-cases such a line and blanks everything else, so split() finds the runs: a third
# of the instructions of a regex engine on ASCII, a quarter on accented text (a str table
# costs a dict lookup per character). A line's ’ (a word character too) goes in as \x00,
# its typographic punctuation as spaces.
LATIN1_RUNS = bytes(ord(c.lower()) if c.isalnum() or c in "'-\x00" else 32 for c in map(chr, range(256)))
TYPOGRAPHY = "“”‘—–…•‹›"
# scripts written without spaces: two characters count as one word
UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
BULLETS = frozenset("•●▪■◦‣")   # a line opening with one is a list's item
LINK_MARKS = frozenset("»›▶►→⇒")   # a line opening with one is a link to another page
TERMINAL = frozenset('.!?…:;"”’»)。！？」』')   # a sentence's last character
_FIRST = itemgetter(0)
SENTENCE_BREAK = regex.compile(r"(?<=\p{Ll}\p{Ll}|\d)[.!?][\"”’»)]?\s+[\"“‘«(]?[\p{Lu}\p{N}]")   # "... in Gaza. A third"
COUNT = regex.compile(r"\(\d+\)$")
COUNTER = regex.compile(r"(?i)^\d+\s*(?:of|/|von|de|из|з)\s*\d+$")   # a gallery's slide counter ("1 of 6")
TIME = regex.compile(r"\d:\d\d(?!\d)")   # a time of day with a colon, as timestamps write it
YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\d[./]\d\d?[./]\d\d")   # "2005", "04.24.09", "3/2/2014"
THOUSANDS = regex.compile(r"(\d),(\d\d\d)(?!\d)")   # "58,723"
TAG_JOIN = regex.compile(r"\p{L},\p{L}")   # keywords joined without a space ("quake,Nepal")
CUE = regex.compile(r"\d{1,2}:\d\d(?::\d\d)?\s*")   # a transcript line's time ("00:05which ...")
CLOCK = regex.compile(r"\d[:.]\d\d\b")   # a time of day ("10:40", "18.30")
# what a link to a story in pictures or on video says it is, not a sentence's end
MEDIA_TAG = regex.compile(r"(?i)\((?:video|videos|photos?|gallery|audio|live|vid[eé]o|fotos?|bilder|"
                          r"відео|фото|видео|фотогалерея|інфографіка|инфографика)\)$")
PROSE_WORDS = 8        # a prose line has at least this many words,
PROSE_STOPWORDS = 0.2  # this share of stopwords (when the language has a stoplist),
LONG_WORDS = 20        # and sentence punctuation at its end unless it is this long
TITLE_CASE = 0.6       # (and not capitalised: a menu run into one line)
PROSE_CAP = 60         # a prose line scores its words up to this: no footer line outweighs paragraphs
LONG_LINE = 3 * PROSE_CAP   # but a line this long holds several paragraphs: it scores them all
PENALTY = 15           # cost of a line that is not prose and has no sentence punctuation
SECTION_PENALTY = 20   # cost of a heading that opens a block of links to other pages
DATED_WORDS = 16       # a line of at most this many words, over a quarter of them numbers, is a date
FIGURES_WORDS = 5      # a line of at least this many words, half of them numbers, is a table row
MENU_WORDS = 3         # an unpunctuated line this short is a menu item or a button
PUNCTUATED = 1         # a short line ending like a sentence (list items, datelines)
SENTENCE = -10         # wordy but unpunctuated: a standfirst, or a teaser headline
RECORDS = 4           # a line repeated this often in a list after the article marks its records
LIST_ITEMS = 12        # a list a paragraph announces ("including:") has at most this many items
HEAD_REACH = 6         # the article's head (headline, standfirst) may sit this many lines above the run,
                       # not counting the bylines, dates and keywords between (up to as many again)
HEAD_WORDS = 4         # a headline or standfirst line has at least this many words
HEADLINE_WORDS = 5     # and a headline nothing marks as one (the page's title) this many
GAP_LINES = 5          # a gap of at most this many lines between two paragraphs
BRIDGE = 0.75          # costs at most this share of the smaller one (`_bridge_gaps`)
ALIKE = 0.5           # a run this share of the article's weight right after it is its like (`_alike_runs`)
BRIDGED_WORDS = 30     # when both have this many words (a teaser's summary is shorter)
DEFAULT_LANG = "English"
SAMPLE = 1000          # words read to tell the page's language
LANE = 10              # bits of a language's stopword counter in a word's vector (SAMPLE < 2**LANE)
LANE_MASK = (1 << LANE) - 1
ENGLISH_HEAD = 400     # most pages are English: the first this many words settle that
ENGLISH_SHARE = 0.3    # when this share of them are English stopwords

# Headings that open a block of other pages' links inside or after an article.
SECTION = regex.compile(r"""(?ix)^(?:
   (?:related|recommended|more|other|latest|top|popular)\s+(?:articles?|stories|posts|news|videos?|reads?
      |from\b.*|on\s+this\b.*|in\b.*)
  |you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)\b.*
  |most\s+(?:popular|read|viewed|shared|commented|emailed)\b.*
  |trending(?:\s+(?:now|news|stories|articles))?
  |(?:post|article)\s+navigation
  |don'?t\s+miss
  |weitere\s+(?:beiträge|artikel|nachrichten)\b.*|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren
  |(?:articles?|actualités)\s+(?:similaires|liés|connexes)|sur\s+le\s+même\s+sujet|(?:à\s+)?lire\s+aussi
  |(?:noticias|artículos|notícias|artigos|articoli|notizie)\s+(?:relacionad[oa]s|correlat[ie])
  |(?:leia|veja|leggi)\s+(?:também|anche)|(?:también\s+)?te\s+puede\s+interesar|lo\s+más\s+leído|mais\s+lidas
  |voc[eê]\s+(?:também\s+|tambem\s+)?(?:pode|poderá|vai)\s+gostar(?:\s+(?:de|também))?|quizás\s+te\s+interese
  |vous\s+(?:aimerez|pourriez\s+aimer)(?:\s+(?:aussi|également|peut-être\s+aussi))?
  |ti\s+potrebbe\s+interessare|potrebbe\s+interessarti
)\s*[:.…]*$""")
# The words SECTION's headings open with (see _section)
SECTION_FIRST = frozenset("""related recommended more other latest top popular you most trending post
    article articles don't dont weitere mehr das actualités sur à lire noticias artículos notícias
    artigos articoli notizie leia veja leggi te lo mais também también você voce quizás vous ti potrebbe""".split())
# Names of line classes other code asks about (--explain shows them as reasons)
TEASER_KIND = "a title-case headline run into its summary (a teaser)"
MENU_KIND = "capitalised words without sentence punctuation (a menu run into one line)"
CUT_SENTENCE = "sentence without final punctuation"
MEDIA_KIND = "a link tagged as a video or gallery (a teaser)"
STAMP_REASON = "fallback: a date and time line inside the article (a timestamp)"
CAPTION_REASON = "fallback: a photo's caption inside the article"
CREDIT_REASON = "fallback: a photo's credit line inside the article"
BYLINE_REASON = "fallback: an author's name and role inside the article (a byline)"
CUT_COPY_REASON = "fallback: the start of the next line (a cut copy of it)"
SEPARATOR = "separator"
SECTION_KIND = "heading of links to other pages"
CREDIT_KIND = "a photo's credit as a name and its agency"
# what no gap bridged between two paragraphs holds (`_bridge_gaps`)
UNBRIDGED = frozenset((TEASER_KIND, MENU_KIND, MEDIA_KIND, SECTION_KIND, CUT_SENTENCE))
# A link to another article: its headline in Title Case, then its summary sentence.
TEASER = regex.compile(r"^(?:[\"“‘'(]?[\p{Lu}\p{N}][\p{L}\p{N}'’.&-]*[,:;!?]?\s+){6}")
# A role under an author's name ("BBC Verify senior journalist", "Live reporter")
ROLES = frozenset("journalist reporter correspondent editor writer presenter producer columnist analyst".split())
# A byline above an article ("By Jo Park", "Edited by Jo Park", "Von ...", "Автор: ...", "Tom Davies Associated Press").
# The word before the name is a preposition too ("Por qué ...", "By then ..."): a name follows.
BYLINE = regex.compile(r"^(?i:(?:(?:edited|written|reported|compiled|produced|presented)\s+)?by|von|par|por|di|door|від|автор|от)[:\s]\s*\p{Lu}"
                       r"|(?i:associated press|press trust of india|agence france-presse|wire services?"
                       r"|contributor|staff writer|correspondent|reporter)$")
# The authors of a live page or a joint report: two or more names and nothing else
# ("Samantha Lock (now); Maanvi Singh, Adam Gabbatt and Martin Belam (earlier)").
NAMES = regex.compile(r"^(?:\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,2}\s*(?:\((?:now|earlier)\))?"
                      r"\s*(?:[,;&]|\s(?:and|und|et|y|и|і)\s)\s*)+"
                      r"\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,2}\s*(?:\((?:now|earlier)\))?$")
# A photo caption's credit ("Photograph: Name/Reuters", "Bild: picture-alliance/dpa",
# "In this file photo, ...", "... [File: Reuters]", "Zapatero in 2007. / Guillaume Paumier",
# "... Credit... Name/The New York Times", "... on Wednesday.(PTI)", "(Anil Dayal/HT photo)").
CAPTION = regex.compile(r"(?i)\b(?:photo(?:graph)?|image|picture|bild|foto)s?\s*(?:by\b|:|credit)|getty images"
                        r"|\bcredit\s*(?::|\.\.\.|…)|\bfile (?:photo|image|picture)\b|\((?:ap |afp |reuters )?photo\b"
                        r"|\.\s+/\s+[^/.]{2,40}$"
                        r"|[(\[](?:reuters|ap|afp|epa|pti|ani|ians|dpa|xinhua|getty images|file)(?::[^)\]]*)?[)\]]$"
                        r"|\bphoto\)$")
# A photo's credit on its own line, under its caption ("Photo: Evan Vucci, AP"). Such
# lines also part the article from a gallery above it, so they go only inside the run.
PHOTO_CREDIT = regex.compile(r"(?i)^(?:photo(?:graph)?|foto|bild|image|picture|фото)s?(?: credits?)?"
                              r"\s*:\s*[^.!?]{1,80}$")
# A photo's credit as a name and its agency ("Amy K. Dragoo/AIMMEDIA", "Jo Park / Reuters").
SLASH_CREDIT = regex.compile(r"^\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}"
                              r"\s*/\s*[\p{Lu}\p{N}][\p{L}\p{N}&.'’ -]{1,30}$")
# A photo's copyright line under or over its caption ("Image copyright Getty Images",
# "Photo © Jo Park"): a credit, not the site's legal notice.
IMAGE_COPYRIGHT = regex.compile(r"(?i)^(?:image|photo(?:graph)?|picture|foto|bild)s?\s*(?:copyright|©)[^.!?]{0,80}$")
# How news agencies open a caption ("FILE - In this May 2 photo ...", "ARCHIV - ...",
# "FILE PHOTO: Traders work on the floor ..."): in capitals, no sentence opens so; and
# a caption's label a screen reader reads ("Image caption The data from ...").
# A live page's entry: its number and title ("2. A movable feast at Stormont", with its time
# run on: "...Stormontpublished at 12:03 British Summer Time 17 June 2021")
ENTRY = regex.compile(r"^\d{1,3}\.\s+[\p{Lu}'‘\"“]")
CAPTION_OPENING = regex.compile(r"^(?:(?:FILE(?: PHOTO)?|ARCHIV(?:BILD)?|ARCHIVE(?: PHOTO)?)\s*[-–—:]\s"
                             r"|(?i:image|media|photo|video)\s?caption(?:\b|(?=\p{Lu})))")   # ("media captionA volunteer ...")
# A photo's file name printed as its caption, or a style's class name: six words or more
# joined by hyphens, no space ("Chief-minister-of-Gujarat-...-during-a-rally")
FILE_NAME = regex.compile(r"^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+){5,}(?:\.(?:jpe?g|png|gif|webp))?(?:\(\s*\))?$")
FILE_NAME_REASON = "fallback: a photo's file name inside the article"
# A photo's caption that ends with its credit in parentheses: a name and its agency or
# paper ("... on Thursday.(Anil Dayal/HT photo)", "(Facebook/AITMC)"), or a photo's word
# ("(HT File)", "(Representational Photo/ANI)"); an agency alone ("... den Luftraum. (AFP)")
# credits a news brief, and a line longer than CAPTION_CHARS is paragraphs a caption ends
CREDITED = regex.compile(r"\((?:[^()]{0,60}?\p{Lu}[\p{L}.]*\s?/\s?\p{Lu}[^()]{0,60}"
                         r"|(?i:[^()]{0,60}\b(?:photos?|file|pic|picture|image)\b[^()]{0,40}))\)$")
CAPTION_CHARS = 300
# an agency's name alone closing a line ("... in Moscow. (AFP)"): a news brief's, or in a
# gallery (three or more such captions, `_gallery`) a caption's
AGENCY_TAIL = regex.compile(r"\((?:AFP|AP|Reuters|EPA|PTI|ANI|IANS|dpa|Xinhua|TASS|Getty Images)\)$")
# or with its credit after its last sentence: a name and its agency ("A currency exchange
# in Moscow. Peter Kovalev / TASS", "... last week. Credit... Anna Moneymaker/The New York Times")
CREDIT_TAIL = regex.compile(r"""[.!?”"…]\s+\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}\s?/\s?[\p{Lu}\p{N}][\p{L}\p{N}&.'’ /-]{1,40}$""")
DOUBLED_REASON = "fallback: printed twice in a row inside the article (a caption under its alt text)"
GALLERY = 3            # a run with this many captions ending with their credit is a gallery: they are its text
# End-of-article credits (docs/POLICY.md keeps them) rarely end with a full stop.
CREDIT = regex.compile(r"(?i)^\(?(?:(?:additional|with) )?"
                       r"(?:reporting|writing|editing|research|translation)(?: and \w+)? (?:by|from)\b"
                       r"|^.{0,80}\bcontributed (?:to )?(?:this|the) (?:report|story)")
# A site's legal notices, which close its pages (English, German, French, Spanish,
# Portuguese, Russian, Ukrainian), and the words one of which any match holds.
LEGAL = regex.compile(r"""(?ix)©|\bcopyright\b|\ball\s+rights\s+reserved|\btrademarks?\b
  |\bterms\s+(?:of|and)\s+(?:use|service|conditions)\b|\bprivacy\s+policy\b|\b(?:this|our)\s+web\s?site\b
  |alle\s+rechte\s+vorbehalten|\bdatenschutz|\bimpressum\b|tous\s+droits\s+réservés|mentions\s+légales
  |todos\s+los\s+derechos\s+reservados|todos\s+os\s+direitos\s+reservados
  |все\s+права\s+защищены|всі\s+права\s+захищені""")
LEGAL_WORDS = ("©", "copyright", "rights", "trademark", "terms", "privacy", "site", "rechte",
               "datenschutz", "impressum", "droits", "mentions", "derechos", "direitos", "права")
# The heading of a site's appeal to its readers for support: the article ends before it.
APPEAL = regex.compile(r"(?i)^(?:a message from\s.{1,60}:|(?:…|\.\.\.)\s?we have a small fav(?:o|ou)r to ask\b.*)$")
# A line of an appeal to the readers for support, in its own words ("To keep our newsroom
# running, we need your support.", "Please consider making a one-time donation"), or of a
# newsletter's pitch ("Our weekly newsletter contains ... You will receive it in your mailbox")
SUPPORT = regex.compile(r"""(?ix)\b(?:(?:we\s+need|rely\s+on|count\s+on)\s+your\s+(?:support|help|donations?|contributions?)
  |your\s+support\b|support\s+us\b|(?:you\s+can|please|help\s+us)\s+(?:help|support|keep|consider|donate)
  |(?:make|making)\s+a\s+(?:one-time\s+|monthly\s+|small\s+)?(?:donation|contribution)|donate\s+(?:now|today)
  |support\s+(?:independent|our)\s+(?:journalism|reporting|newsroom|work)
  |поддержите\s+нас|підтримайте\s+нас|поддержать\s+(?:нас|«)|підтримати\s+(?:нас|«)
  |\bour\s+(?:[\w-]+\s+){0,2}newsletter\b|\bin\s+your\s+(?:mail|in)\s?box\b)""")
SUPPORT_WORDS = ("support", "donat", "contribut", "help", "поддерж", "підтрим", "newsletter", "box")
APPEAL_LINES = 8       # an appeal after the article has at most this many lines
APPEAL_REASON = "fallback: the site's appeal to its readers for support, after the article"
# A paywall's sign-in prompt ("Already a subscriber? Sign In", "Déjà abonné ? Se connecter",
# "Allerede abonnent? Logg på"): what follows it is the site's, not the article's
PAYWALL = regex.compile(r"(?i)^.{0,40}\b(?:subscriber|abonn\w*|abonent\w*|suscriptor\w*|assinante|prenumerant|pelanggan"
                        r"|подписчик\w*)\s?\?\s*[^\s.!?]+(?:\s[^\s.!?]+){0,2}$")   # the button: up to three words
# Headings that open the readers' comments: the article ends before them.
COMMENTS = regex.compile(r"""(?ix)^(?:
   (?:\d+\s+|\[\s*\d+\s*)?(?:comments?|responses?|replies|reactions|discussion)(?:\s*\(\d+\)|\s*\])?
  |(?:\d+\s+)?(?:comments?|responses?|thoughts|replies)\s+(?:to|on)\b.*
  |(?:leave|post|add|write|submit|join)\s+(?:a|your|the)\s+(?:comment|reply|response|discussion)\b.*
  |(?:top\s+rated|latest|recent|newest|oldest|show|view|load|see|read)\s+(?:all\s+)?(?:\d+\s+)?comments?\b.*
  |(?:\d+\s+)?(?:kommentare?|commentaires?|comentarios?|comentários?|commenti|commento)(?:\s*\(\d+\))?
  |(?:schreibe\s+einen\s+kommentar|laisser\s+un\s+commentaire|deja\s+un\s+comentario
     |deixe\s+(?:um|seu)\s+comentário|lascia\s+un\s+commento)\b.*
  |we\s+welcome\s+(?:your\s+)?comments\s+that\b.*
  |(?:comments?\s+(?:are\s+)?(?:closed|disabled|turned\s+off)|kommentare\s+(?:sind\s+)?(?:geschlossen|deaktiviert)
     |commentaires\s+(?:fermés|désactivés)|комментарии\s+(?:отключены|закрыты)|коментарі\s+(?:вимкнені|закриті))\b.*
)\s*[:.…]*$""")


@lru_cache(maxsize=None)
def stoplist(lang: str) -> frozenset[str]:
    import justext      # here: `clean FILE` of a known outlet never pays for importing it
    try:
        return justext.get_stoplist(lang)
    except ValueError:  # no such stoplist
        return frozenset()


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    import justext
    return tuple(sorted(justext.get_stoplists()))


@lru_cache(maxsize=1)
def _stopword_vectors() -> dict[str, int]:
    """word -> the languages whose stoplist has it, as one int holding a LANE-bit counter
    per language (in `languages()` order), 1 where it has the word: summing a page's
    vectors counts the stopwords of every language at once, in C (SAMPLE < 2**LANE; the
    narrower the lanes, the fewer digits each addition of these long ints walks)."""
    vectors: dict[str, int] = {}
    for i, name in enumerate(languages()):
        for w in stoplist(name):
            vectors[w] = vectors.get(w, 0) | 1 << LANE * i
    return vectors


def resolve_lang(lang: str | None, words: list[str]) -> str:
    """A stoplist name: the one asked for (a name in any case, or an ISO 639-1 code),
    else the language whose stoplist covers most of the page's words."""
    names = languages()
    if lang:
        return stoplist_name(lang, names)
    sample = [w.lower() for w in words[:SAMPLE]]
    return _detect([sample], [sum(map(stoplist(DEFAULT_LANG).__contains__, sample))])


def _detect(lines: list[list[str]], english: list[int], counts: Callable[[], int] | None = None) -> str:
    """The language whose stoplist covers most of the first SAMPLE words of these lines
    (lower case). `english`: each line's English stopwords, which settle most pages
    without counting a hundred stoplists (or reading the words again). `counts`: gives
    `_stopword_vectors` summed over those words (Memo.stop_counts), when not English."""
    seen = hits = 0
    for words, n in zip(lines, english):
        if seen + len(words) > ENGLISH_HEAD:
            hits += sum(map(stoplist(DEFAULT_LANG).__contains__, words[:ENGLISH_HEAD - seen]))
            seen = ENGLISH_HEAD
            break
        seen += len(words)
        hits += n
    if not seen or hits / seen >= ENGLISH_SHARE:
        return DEFAULT_LANG
    names = languages()
    total = (counts() if counts is not None
             else sum(filter(None, map(_stopword_vectors().get, islice(chain.from_iterable(lines), SAMPLE)))))
    hits = [total >> LANE * i & LANE_MASK for i in range(len(names))]
    # ties go to the alphabetically first name, so the choice never depends on order
    return names[hits.index(max(hits))] if total else DEFAULT_LANG


def site_template(pages: Iterable[str], min_share: float = 0.5, min_pages: int = 2) -> frozenset[str]:
    """The lines a site repeats on its pages (menus, footers, appeals): those on at least
    `min_share` of the pages and on `min_pages` of them. Give it several pages of one
    site (a batch); pass the result to `apply` / `Cleaner.clean(template=...)`."""
    counts: Counter[str] = Counter()
    n = 0
    for text in pages:
        n += 1
        counts.update({line.strip() for line in text.split("\n") if line.strip()})
    need = max(min_pages, math.ceil(min_share * n))
    return frozenset(line for line, c in counts.items() if c >= need)


READ_CHARS = 65536    # characters of a line the fallback reads words from


class Memo:
    """What the fallback has read from a page's lines, kept across the page's rounds:
    the idempotency round reads mostly the lines the first round kept. One per page."""
    __slots__ = ("_lines", "_scores", "_counts", "_legal", "_comments")

    def __init__(self):
        # a line -> its words, and how many are English stopwords (detection needs that,
        # and so does scoring: most pages are English)
        self._lines: dict[str, tuple[list[str], int]] = {}
        self._scores: dict[tuple[str, bool], dict[str, tuple[int, str]]] = {}
        self._counts: dict[str, int] = {}    # a line -> its words' `_stopword_vectors` summed
        self._legal: dict[str, bool] = {}    # a line -> `_legal`, `_comments` (each round asks)
        self._comments: dict[str, bool] = {}

    def read(self, texts: list[str]) -> tuple[list[list[str]], list[int]]:
        """Each line's `words` and its English stopwords."""
        english = stoplist(DEFAULT_LANG).__contains__
        known = self._lines
        words, stops = [], []
        for text in texts:
            found = known.get(text)
            if found is None:
                # a huge line (a page sent as one line) is judged by its first READ_CHARS
                # characters: thousands of words say it is prose as well as millions,
                # and a word list of the whole costs many times the page in memory
                w = _words(text if len(text) <= READ_CHARS else text[:READ_CHARS])
                found = known[text] = (w, sum(map(english, w)))
            words.append(found[0])
            stops.append(found[1])
        return words, stops

    def stop_counts(self, texts: list[str], words: list[list[str]]) -> int:
        """`_stopword_vectors` summed over the first SAMPLE of these lines' words (from
        `read`): a line's sum is kept, so a page not in English, whose language every
        round detects again, sums each line's vectors once."""
        vector = _stopword_vectors().get
        known = self._counts
        total, left = 0, SAMPLE
        for text, w in zip(texts, words):
            if len(w) >= left:      # the line the sample ends in counts in part
                return total + sum(filter(None, map(vector, w[:left])))
            found = known.get(text)
            if found is None:
                found = known[text] = sum(filter(None, map(vector, w)))
            total += found
            left -= len(w)
        return total

    def legal(self, texts: list[str], start: int, end: int) -> list[int]:
        """The positions in [start, end) of lines holding a legal notice (`_legal`)."""
        known = self._legal
        found = []
        for p in range(start, end):
            text = texts[p]
            is_legal = known.get(text)
            if is_legal is None:
                is_legal = known[text] = _legal(text, _folded(text))
            if is_legal:
                found.append(p)
        return found

    def comments(self, text: str) -> bool:
        found = self._comments.get(text)
        if found is None:
            found = self._comments[text] = _comments(text, _folded(text))
        return found

    def scores(self, texts: list[str], words: list[list[str]], english: list[int],
               lang: str) -> tuple[list[int], list[str]]:
        """Each line's `_score` (its words and English stopwords from `read`)."""
        stops = stoplist(lang)
        # a line -> its score, one table for lines over a lower-case line and one for others
        tables = (self._scores.setdefault((lang, False), {}), self._scores.setdefault((lang, True), {}))
        scores, kinds = [], []
        last = len(texts) - 1
        for p, text in enumerate(texts):
            # (the next line opens in lower case, or after a transcript's time: `_continues`)
            # (an address under it, "t.me/gubernator_46", goes on with no sentence)
            wrapped = p < last and (texts[p + 1][:1].islower() and not _address(texts[p + 1])
                                    or ":" in texts[p + 1][1:3] and _continues(texts[p + 1]))
            known = tables[wrapped]
            found = known.get(text)
            if found is None:
                w = words[p]
                count = (english[p] if lang == DEFAULT_LANG
                         else sum(map(stops.__contains__, w)) if stops else len(w))
                found = known[text] = _score(text, w, count, wrapped, lang != DEFAULT_LANG)
            scores.append(found[0])
            kinds.append(found[1])
        return scores, kinds


def apply(doc: Document, lang: str | None = None, extracted: bool = False,
          template: frozenset[str] = frozenset(), memo: Memo | None = None) -> str:
    """Mark the lines outside the article's main prose run removed, each with its
    reason; returns the language whose stoplist was used. `extracted`: an extractor
    (trafilatura, for HTML) already chose the main content, so only readers' comments
    after the article go. `template`: lines of the page's site (`site_template`), which
    go first, wherever they are. `memo`: the page's Memo, when it is cleaned in rounds."""
    memo = memo or Memo()
    if template:
        for i in doc.kept_indices():
            if doc.lines[i].text.strip() in template:
                doc.remove(i, "fallback: recurs on other pages of the site")
    # the lines a border rule removed are read as where they stand (`BORDER_RULES`): they
    # go whatever the fallback decides, but part the article from what is around it
    idx = _with_borders(doc)
    texts = [doc.lines[i].text.strip() for i in idx]
    words, english = memo.read(texts)
    ruled = [doc.lines[i].removed_by is not None for i in idx]
    if lang is None:
        # the language of the lines the output keeps: a border line's words ("Updated
        # April") are not there when the output is cleaned again
        own = [p for p, r in enumerate(ruled) if not r]
        if len(own) == len(idx):
            lang = _detect(words, english, lambda: memo.stop_counts(texts, words))
        else:
            own_texts, own_words = [texts[p] for p in own], [words[p] for p in own]
            lang = _detect(own_words, [english[p] for p in own], lambda: memo.stop_counts(own_texts, own_words))
    else:
        lang = resolve_lang(lang, [])
    scores, kinds = memo.scores(texts, words, english, lang)
    for p, i in enumerate(idx):
        if doc.lines[i].removed_by in LIST_END_RULES:
            kinds[p] = LIST_END_KIND    # (the head walk stops at it too: `_head`)
        if scores[p] > 0 and doc.lines[i].removed_by is not None:
            # a border line weighs nothing for the run: a second cleaning, without it,
            # could not carry the run over a menu line with its point ("(Read full story here)")
            scores[p] = 0
    if extracted:
        start, end = 0, len(idx)
    else:
        # (a gallery: slide counters a rule removed, "1 / 13": `_in_context`)
        slides = sum(ln.removed_by in SLIDE_RULES for ln in doc.lines) >= GALLERY
        _in_context(texts, words, scores, kinds, slides, ruled)
        _hard_wrapped(idx, texts, words, scores, kinds, stoplist(lang), ruled)
        _bridge_gaps(texts, words, scores, kinds)

        def run(scores: list[int]) -> tuple[int, int]:
            start, end = _best_run(scores, 0, len(scores))
            earlier = _over_teasers(texts, words, scores, kinds, start, end)
            if earlier is not None:
                start, end = earlier
            else:
                end = _alike_runs(scores, start, end)
            return _list_ends(doc, idx, scores, kinds, start, end)

        def weight(start: int, end: int) -> int:
            # (a line a border rule removed parts runs but weighs nothing here: the
            # output, cleaned again, lacks it)
            return sum(scores[p] for p in range(start, end) if not ruled[p])

        start, end = run(scores)
        if weight(start, end) < LONG_WORDS:
            # a border line that parts the only article-sized run is absent from the
            # output: the run it parted is what a second cleaning finds
            unparted = [0 if r else sc for r, sc in zip(ruled, scores)]
            start, end = run(unparted) if any(ruled) else (start, end)
            if weight(start, end) < LONG_WORDS:
                # no more prose than one long sentence: nothing looks like an article,
                # and keeping it all loses less than a guess
                return lang
    first_prose = next((p for p in range(start, end) if kinds[p] == "prose"), end)
    comments = next((p for p in range(first_prose + 1, end) if _comments_at(doc, idx, texts, p, memo)), None)
    appeal = appeal_end = None
    if extracted:
        end = len(idx) if comments is None else comments
    else:
        # the site's appeal to its readers ("A Message from ...:") ends the article as
        # the comments do: its paragraphs are prose, and a scrape is often cut inside it;
        # and a paywall's sign-in prompt. Both wherever after the body: the run's end may
        # stop short of them (at a date line a rule removed, which a second cleaning,
        # without it, would read past), and a page cut after it is carried over up to them
        after = range(first_prose + 1, len(idx) if comments is None else comments)
        appeal = next((p for p in after if (texts[p][-1] == ":" or "fav" in texts[p]) and _appeal(texts[p])), None)
        if appeal is None:
            appeal = next((p for p in after
                           if "?" in texts[p] and len(texts[p]) <= 80 and PAYWALL.match(texts[p])), None)
        stop = comments if appeal is None else appeal
        if stop is not None:
            start, end = _best_run(scores, 0, stop)
        # the publisher's footer (disclaimers, copyright, trademarks) can outweigh a
        # short article: a run with two legal notices is that, and the article is before it
        limit = len(idx) if stop is None else stop
        while True:
            legal = memo.legal(texts, start, end)
            if len(legal) < 2:
                break
            limit = legal[0]
            start, end = _best_run(scores, 0, limit)
            if end <= start:
                return lang      # no prose but the footer's: keep it all rather than guess
        # Lists and tables that close an article (tour dates, results, specs) are not
        # prose: the run goes on over them up to a menu-like line, heading or residue.
        while True:
            while end < limit and not _ends_article(texts[end], words[end],
                                                    _residue_between(doc, idx[end - 1], idx[end]),
                                                    texts[end][:1] in BULLETS and texts[end - 1][:1] in BULLETS):
                end += 1
            records = _records_end(texts, scores, start, end, limit)
            if records == end:
                break
            end = records
        end = _teaser_tail(doc, idx, texts, words, kinds, scores, first_prose, end)
        if _cut_short(doc, idx, texts, words, kinds, end, limit):
            end = limit
        appeal_end = end
        appeal = _appeal_tail(doc, idx, texts, scores, start, first_prose, end)
        if appeal is not None:
            end = appeal
        start = _appeal_head(doc, idx, texts, scores, start, end)
    # (the head lines with a line removed right above them: `_head`)
    parted = frozenset(p for p in range(max(start - 2 * HEAD_REACH, 1), start)
                       if _residue_between(doc, idx[p - 1], idx[p]))
    head = set() if extracted else _head(start, end, texts, words, kinds, parted)
    # inside the run, a line that repeats one of the page's frame is the frame's too
    # (a gallery caption, a teaser, a menu entry shown twice)
    frame = set() if extracted else set(texts[:start]) | set(texts[end:])
    credits = {p for p in range(start, end) if texts[p].find(":", 0, 20) > 0 and PHOTO_CREDIT.match(texts[p])}
    # an author's name over a role line ("Jo Park" over "Verify senior journalist"): `_byline_at`
    bylines = {q for r in range(start + 1, end) if words[r][-1:] and words[r][-1] in ROLES
               and _byline_at(r - 1, texts, words) for q in (r - 1, r)}
    captions = _captions(texts, credits) | _ruled_captions(doc, idx, texts, start, end)
    gallery = not extracted and _gallery(texts, start, end)
    doubled = set() if extracted else _doubled(idx, texts, kinds, scores, credits, start, end, min(head, default=start))
    for p, i in enumerate(idx):
        if p < start:
            if p not in head:
                doc.remove(i, f"fallback: {kinds[p]}, before the article's main prose run")
            elif (p + 1 in head or p + 1 == start) and texts[p + 1].startswith(texts[p]) and _cut_copy(p, texts, words):
                doc.remove(i, CUT_COPY_REASON)
        elif p >= end:
            if appeal is not None and p < appeal_end:
                doc.remove(i, APPEAL_REASON)
                continue
            where = ("in the comments after the article" if comments is not None and p >= comments
                     else "after the article's main prose run")
            doc.remove(i, f"fallback: {kinds[p]}, {where}")
        elif texts[p] in frame:
            doc.remove(i, f"fallback: {kinds[p]}, repeats a line outside the article")
        elif kinds[p] == SEPARATOR:
            doc.remove(i, "fallback: separator between the article's parts (no words)")
        elif p in doubled:
            doc.remove(i, DOUBLED_REASON)
        elif p in bylines or first_prose < p < end - 1 and _inside_byline(texts[p], words[p]):
            doc.remove(i, BYLINE_REASON)
        elif p in credits or kinds[p] == CREDIT_KIND:
            doc.remove(i, CREDIT_REASON)
        elif "-" in texts[p] and " " not in texts[p] and FILE_NAME.match(texts[p]):
            doc.remove(i, FILE_NAME_REASON)
        elif texts[p] in captions or (texts[p][:1] in "AF" or "aption" in texts[p][5:13]) and CAPTION_OPENING.match(texts[p]) or (
                not gallery and _credited(texts[p])):
            doc.remove(i, CAPTION_REASON)
        elif p < end - 1 and texts[p + 1].startswith(texts[p]) and _cut_copy(p, texts, words):
            doc.remove(i, CUT_COPY_REASON)
        elif ":" in texts[p] and kinds[p] != "table row" and _stamp(texts[p], words[p]):
            doc.remove(i, STAMP_REASON)
    return lang


SLIDE_RULES = frozenset(("slide-counter",))


def _in_context(texts: list[str], words: list[list[str]], scores: list[int], kinds: list[str],
                slides: bool = False, ghosts: list[bool] | None = None) -> None:
    """What a line's neighbours tell: a prose line right under a link marked with an
    arrow ("» Other story") is that link's summary, a teaser; lines of figures in a row
    are a table's rows (one alone is more often a date and time); a long line holding
    other lines' text is their copy (in the page's metadata), not more paragraphs; the
    short lines between a paragraph announcing a list ("... best practices including:")
    and the next paragraph are that list's items, when each has two words or more."""
    # (a line a border rule removed, `ghosts`, makes no table: a date stamp under a date)
    figures = [kind != "prose" and not (ghosts and ghosts[p]) and _figures(t, w)
               for p, (t, w, kind) in enumerate(zip(texts, words, kinds))]
    prose = [t for t, k, n in zip(texts, kinds, scores) if k == "prose" and n <= PROSE_CAP]
    # on a gallery's page (`slides`: its slide counters), its title shown over each slide
    # (RECORDS times or more, captions between) parts none of its captions (slides without
    # a caption show it twice in a row)
    shown = Counter(texts) if slides else Counter()
    for p in range(len(texts) if slides else 0):
        if (scores[p] < 0 and shown[texts[p]] >= RECORDS and kinds[p] != SECTION_KIND
                and len(words[p]) >= HEADLINE_WORDS and not _dated(words[p])):     # (a teaser's date is none)
            above = next((q for q in range(p - 1, -1, -1) if texts[q] != texts[p]), None)
            below = next((q for q in range(p + 1, len(texts)) if texts[q] != texts[p]), None)
            if any(q is not None and kinds[q] == "prose" for q in (above, below)):
                scores[p], kinds[p] = 0, "a gallery's title over each slide"
    for p in range(len(texts)):
        if scores[p] > PROSE_CAP and any(t in texts[p] for t in prose):
            scores[p] = PROSE_CAP    # a long line repeating the page's paragraphs is a copy
        if kinds[p] == "prose" and p and texts[p - 1][:1] in LINK_MARKS:
            scores[p], kinds[p] = -PENALTY, "summary under a link to another page (a teaser)"
        elif figures[p] and (p and figures[p - 1] or p + 1 < len(texts) and figures[p + 1]):
            scores[p], kinds[p] = PUNCTUATED, "table row"
    for p in [p for p, t in enumerate(texts[:-2]) if t[-1] == ":"]:
        if kinds[p] == "prose":
            items = range(p + 1, min(p + 2 + LIST_ITEMS, len(texts)))
            after = next((q for q in items if kinds[q] == "prose"), None)
            # a list the article goes on after (one at its end is the closing list's), of
            # items of two words or more, no labels (menus, share buttons, contact lists)
            if after is not None and not any(len(words[q]) < 2 or texts[q][-1] == ":"
                                             or _section(texts[q], _folded(texts[q])) for q in range(p + 1, after)):
                for q in range(p + 1, after):
                    if scores[q] < PUNCTUATED:
                        scores[q], kinds[q] = PUNCTUATED, "an item of a list the article announces"


WRAP_LINES = 4         # a paragraph hard-wrapped over lines (a print column) has at least this many,
WRAP_CHARS = (15, 70)  # each of about this length
WRAPPED_KIND = "prose (a paragraph wrapped over lines)"


def _hard_wrapped(idx: list[int], texts: list[str], words: list[list[str]], scores: list[int],
                  kinds: list[str], stops: frozenset[str], ruled: list[bool]) -> None:
    """A print column's paragraphs, hard-wrapped: WRAP_LINES lines or more in a row (no
    blank line between), each of WRAP_CHARS, half of them or more broken in a sentence (the
    next line opening in lower case, or the line ending with a comma, a hyphen or a
    stopword: "... with new materials" over "used only when ..."), twenty words or more in
    all, none cut short with an ellipsis (a list of teasers): each line is prose, weighing
    its words, as the paragraph would unwrapped. A line a rule removed (`ruled`) is no part
    of one: the output prints a blank line in its place."""
    n = len(texts)
    p = 0
    while p < n:
        if ruled[p] or not WRAP_CHARS[0] <= len(texts[p]) <= WRAP_CHARS[1]:
            p += 1
            continue
        q = p
        while (q + 1 < n and idx[q + 1] == idx[q] + 1 and not ruled[q + 1]
               and WRAP_CHARS[0] <= len(texts[q + 1]) <= WRAP_CHARS[1]):
            q += 1
        block = range(p, q + 1)
        if (len(block) >= WRAP_LINES and sum(len(words[r]) for r in block) >= LONG_WORDS
                and not any(texts[r].endswith(("…", "...", "…]")) for r in block)):    # (teasers' summaries cut short)
            broken = sum(texts[r + 1][:1].islower() or texts[r][-1] in ",-–" or bool(words[r]) and words[r][-1] in stops
                         for r in range(p, q))
            if 2 * broken >= len(block) - 1:
                for r in block:
                    if scores[r] < len(words[r]) and kinds[r] not in (SECTION_KIND, MEDIA_KIND):
                        scores[r], kinds[r] = len(words[r]), WRAPPED_KIND
        p = q + 1


def _teaser_pair(p: int, texts: list[str], words: list[list[str]], scores: list[int], kinds: list[str]) -> bool:
    """Whether line p is a teaser's headline over its summary: a line of HEAD_WORDS words
    or more opening with a capital, ending like no sentence, over one prose line of one
    sentence shorter than BRIDGED_WORDS, under which comes no more prose."""
    q = p + 1
    return (q < len(texts) and kinds[q] == "prose" and kinds[p] != "prose" and len(words[p]) >= HEAD_WORDS
            and texts[p][:1].isupper() and not _punctuated(texts[p]) and not _dated(words[p])
            and scores[q] < BRIDGED_WORDS and _sentences(texts[q]) == 1
            and (q + 1 == len(texts) or kinds[q + 1] != "prose"))


def _over_teasers(texts: list[str], words: list[list[str]], scores: list[int], kinds: list[str],
                  start: int, end: int) -> tuple[int, int] | None:
    """The article's run when the best run (start, end) comes after a list of teasers (two
    or more headlines over their one-sentence summaries, a line or two apart: "Macron
    Demands 'Targeted Sanctions' on Moscow" over "French President Emmanuel Macron
    condemned ...") that follows an earlier run of LONG_WORDS or more: a short article
    stands over its related stories, and what outweighs it after them is another teaser
    with an appeal or a footer, when it holds no paragraph of two sentences and weighs
    less than twice the earlier run. None otherwise."""
    pairs = [p for p in range(start) if _teaser_pair(p, texts, words, scores, kinds)]
    if len(pairs) < 2:
        return None
    # the list: pairs a line or two apart, its last right above the best run's region
    first = pairs[-1]
    for a, b in zip(reversed(pairs[:-1]), reversed(pairs)):
        if b - a > 4:
            break
        first = a
    if first == pairs[-1]:
        return None
    b_start, b_end = _best_run(scores, 0, first)
    found = sum(scores[b_start:b_end])
    if found < LONG_WORDS or 2 * found <= sum(scores[start:end]) or any(
            kinds[p] == "prose" and _sentences(texts[p]) > 1 for p in range(start, end)):
        return None
    return b_start, b_end


def _alike_runs(scores: list[int], start: int, end: int) -> int:
    """Where the article ends when runs alike in weight follow its run, each at most
    GAP_LINES lines after the last and weighing ALIKE of its weight or more (a listing's
    entries, a page's stories one under another, an article parted by an embed): a run
    that outweighs what follows it alone ends where it does."""
    weight = sum(scores[start:end])
    while end < len(scores):
        nxt = next((p for p in range(end, min(end + GAP_LINES + 1, len(scores))) if scores[p] > PUNCTUATED), None)
        if nxt is None:
            break
        b_start, b_end = _best_run(scores, nxt, len(scores))
        if b_start != nxt or sum(scores[b_start:b_end]) < ALIKE * weight:
            break
        end = b_end
    return end


def _bridge_gaps(texts: list[str], words: list[list[str]], scores: list[int], kinds: list[str]) -> None:
    """A few short lines between two paragraphs (a guide's next heading, its subtitle and
    address) cost at most BRIDGE of the smaller paragraph, when both have BRIDGED_WORDS
    or more: an article in sections is one run. A teaser's headline, a byline or a date
    between two summaries, a heading of links, a legal notice ("Privacy Policy, Terms of
    Use" over an author's bio), or lines shown elsewhere on the page (share buttons,
    menus) cost in full."""
    prose = [p for p, k in enumerate(kinds) if k == "prose"]
    counts = None
    for a, b in zip(prose, prose[1:]):
        if not 1 < b - a <= GAP_LINES + 1:
            continue
        smaller = scores[a] if scores[a] < scores[b] else scores[b]
        embed = (b - a == 3 and LONG_WORDS <= smaller < BRIDGED_WORDS
                 and _punctuated(texts[a]) and _punctuated(texts[b]))
        if smaller < BRIDGED_WORDS and not embed:
            continue
        gap = range(a + 1, b)
        cost = -sum([scores[p] for p in gap if scores[p] < 0])
        bound = BRIDGE * smaller
        if cost <= bound:
            continue
        counts = counts or Counter(texts)
        if (_embed(texts, words, kinds, a + 1, counts) if embed else
                _plain_gap(texts, words, kinds, gap, counts, _sentences(texts[a]) > 1 and _sentences(texts[b]) > 1)):
            for p in gap:
                if scores[p] < 0:
                    scores[p] = -(-scores[p] * bound // cost) - 1


def _embed(texts: list[str], words: list[list[str]], kinds: list[str], p: int, counts: Counter[str]) -> bool:
    """Whether lines p and p + 1, between two paragraphs, are an embedded player's notice
    and its caption ("Media playback is unsupported on your device" over "Flood water
    reached the town centre within an hour"): a short line without sentence punctuation
    (nor a label's comma: "Image caption,") over a sentence without its end, neither a
    byline, a date, a legal notice nor shown elsewhere on the page."""
    return (kinds[p] == "short, no sentence punctuation" and texts[p][-1] not in ",-–—|"
            and kinds[p + 1] == CUT_SENTENCE
            and not any(BYLINE.match(texts[q]) or _dated(words[q]) or _legal(texts[q], _folded(texts[q]))
                        or counts[texts[q]] > 1 for q in (p, p + 1)))


def _plain_gap(texts: list[str], words: list[list[str]], kinds: list[str], gap: range,
               counts: Counter[str], told: bool = False) -> bool:
    """Whether these lines between two paragraphs may be the article's own (a heading, a
    subtitle, an address): no teaser's headline, sentence without its end, heading of
    links, byline, date or legal notice, and none shown elsewhere on the page (`counts`:
    the page's lines; share buttons and menus repeat). `told`: both paragraphs hold two
    sentences or more, as a teaser's one-sentence summary does not (a timeline's entries:
    a date, a caption without its end, "The BBC's Jo Park reports" under each): then
    only a teaser's headline, a heading of links, a byline, a legal notice or a short
    line shown outside it (a share button, a menu item) keep the gap."""
    inside = Counter(texts[gap.start:gap.stop])
    if told:
        return not any(kinds[p] in UNBRIDGED and kinds[p] != CUT_SENTENCE or BYLINE.match(texts[p])
                       or _legal(texts[p], _folded(texts[p]))
                       or counts[texts[p]] > inside[texts[p]] and len(words[p]) <= MENU_WORDS for p in gap)
    if any(kinds[p] in UNBRIDGED or BYLINE.match(texts[p]) or _legal(texts[p], _folded(texts[p]))
           or _dated(words[p]) and texts[p][-1] != "," for p in gap):   # ("119 Prospect Mira," goes on)
        return False
    return all(counts[t] == n for t, n in inside.items())


def _sentences(text: str) -> int:
    """How many sentences a paragraph holds, about: its sentence ends followed by a
    capital, a figure or a quote, plus one."""
    return 1 + len(SENTENCE_BREAK.findall(text))


def _captions(texts: list[str], credits: set[int]) -> set[str]:
    """The captions of the photos whose credit lines (`credits`) stand in the article: the
    line above a credit when it ends like no sentence ("Reflection of the bank in a
    puddle: no stroke of genius ends this crisis") or when three or more captions and
    credits alternate (a gallery). A punctuated line above a credit may be a paragraph
    between photos that have no caption, and stays. Their copies in the article go too."""
    def gallery(c: int) -> bool:
        return any({c + k, c + k + 2, c + k + 4} <= credits for k in (-4, -2, 0))

    found = set()
    for c in credits:
        p = c - 1
        if p >= 0 and p not in credits and (not _punctuated(texts[p]) or gallery(c)):
            found.add(texts[p])
    return found


def _ruled_credit(text: str) -> bool:
    """A line a rule removed that was a photo's credit ("Photo: Jo Park, AP", "Jo Park /
    Reuters", "Image copyright Getty Images"): the fallback reads it as the border it was."""
    return (text.find(":", 0, 20) > 0 and PHOTO_CREDIT.match(text) is not None
            or SLASH_CREDIT.match(text) is not None or IMAGE_COPYRIGHT.match(text) is not None)


def _ruled_captions(doc: Document, idx: list[int], texts: list[str], start: int, end: int) -> set[str]:
    """The captions over photo credits a rule removed (`_ruled_credit`): as in `_captions`,
    the kept line of the run right above such a credit, when it ends like no sentence or
    three such captions follow each other (a gallery).
    (Once the rule removed the credit, the fallback no longer sees it among the kept
    lines; cleaning the output again finds neither line.)"""
    over: set[int] = set()
    for p in range(start, end):
        nxt = idx[p + 1] if p + 1 < len(idx) else len(doc.lines)
        for j in range(idx[p] + 1, nxt):
            line = doc.lines[j]
            if not line.text.strip():
                continue
            if line.removed_by and not line.removed_by.startswith("fallback") and _ruled_credit(line.text.strip()):
                over.add(p)
            break
    # three or more captions in a row, each over its credit: a gallery, punctuated or not
    return {texts[p] for p in over
            if not _punctuated(texts[p]) or any({p + k, p + k + 1, p + k + 2} <= over for k in (-2, -1, 0))}


def _credited(text: str) -> bool:
    """A caption ending with its photo's credit in parentheses (CREDITED) or after its last
    sentence (CREDIT_TAIL), a line of at most CAPTION_CHARS characters."""
    if len(text) > CAPTION_CHARS:
        return False
    if text[-1:] == ")":
        return CREDITED.search(text) is not None
    return "/" in text[-45:] and CREDIT_TAIL.search(text) is not None


def _gallery(texts: list[str], start: int, end: int) -> bool:
    """Whether the run is a gallery, its captions the text: GALLERY captions or more in it
    end with their photo's credit (`_credited`). (Only what stays counts: the credits on
    their own lines go, and cleaning the output again must find the same.)"""
    return sum(_credited(t) or t[-1:] == ")" and AGENCY_TAIL.search(t) is not None
               for t in texts[start:end]) >= GALLERY


def _doubled(idx: list[int], texts: list[str], kinds: list[str], scores: list[int], credits: set[int],
             start: int, end: int, first: int) -> set[int]:
    """The lines of the run printed twice in a row, on adjacent lines of the page (no blank
    line between; REPEAT_MIN to DOUBLED_MAX characters): a caption under its alt text
    ("Ground staff cover the field after rain delayed a match" twice), both copies; of
    the page's first kept line (`first`: a headline printed twice), the copy. A text that
    repeats itself (a standfirst shown again as the first paragraph) has a blank line or a
    byline between its copies. A paragraph's sentence printed twice goes only over its
    photo's credit or on a page that prints two lines twice or more (its captions, its
    teasers): alone, it may be the text's own (a gallery's intro: "Running from March 4 to
    March 10, here's a look at the festivities so far." twice). None go when they weigh
    as much as the rest of the run (a page that prints its paragraphs twice)."""
    pairs = [p for p in range(start, end - 1)
             if idx[p + 1] == idx[p] + 1 and REPEAT_MIN <= len(texts[p]) <= DOUBLED_MAX
             and " ".join(texts[p].split()) == " ".join(texts[p + 1].split())]
    pairs = [p for p in pairs if p - 1 not in pairs]    # (a line printed three times: one pair)
    if len(pairs) == 1:
        p = pairs[0]
        if kinds[p] == "prose" and _punctuated(texts[p]) and not _credited(texts[p]) and not (
                p + 2 in credits or p + 2 < end and kinds[p + 2] == CREDIT_KIND):
            return set()
    found = {q for p in pairs for q in ((p + 1,) if p == first else (p, p + 1))}
    weight = sum(scores[p] for p in found if scores[p] > 0)
    rest = sum(scores[p] for p in range(start, end) if p not in found and scores[p] > 0)
    return found if weight < rest else set()


def _cut_copy(p: int, texts: list[str], words: list[list[str]]) -> bool:
    """Whether line p is the start of the next line, cut: a summary cut from the first
    paragraph, a caption shown again with its credit (a heading opening its paragraph's
    first words is shorter than a sentence). A heading glued to its paragraph by a run of
    spaces ("Viewpoint: ... unfair   Should Madonna ...") is the next line's own heading,
    printed alone above it, and no cut copy."""
    n = len(texts[p])
    return (texts[p + 1].startswith(texts[p]) and len(texts[p + 1]) > n
            and len(words[p]) >= PROSE_WORDS and texts[p + 1][n:n + 2] != "  ")


def _comments_at(doc: Document, idx: list[int], texts: list[str], p: int, memo: Memo) -> bool:
    """Whether the readers' comments open at kept line p (p > 0): it is their heading, or
    a rule removed their heading just above it (generic.toml's comment-form)."""
    if memo.comments(texts[p]):
        return True
    lines = doc.lines
    return any(memo.comments(lines[j].text.strip()) for j in range(idx[p - 1] + 1, idx[p]) if lines[j].removed_by)


def _cut_short(doc: Document, idx: list[int], texts: list[str], words: list[list[str]],
               kinds: list[str], end: int, limit: int) -> bool:
    """Whether the page was cut in the article (scraped corpora keep a page's first
    2,000 bytes or so): the run is followed, to the page's end, by one sentence broken
    off, and at most a sub-heading above it (or, under a long paragraph, the few lines a
    bridged gap holds: a guide's next place and its subtitle), or by paragraphs after a
    caption or two (up to three lines no paragraph: a letter's signature, its writer's name
    and town, over the next letter's heading) and a sentence broken off."""
    if limit < len(idx):
        return False
    # (a line a border rule removed at the page's end, a date stamp, is not in the output:
    # the page ends, for a second cleaning, with the line above it)
    while limit > end and doc.lines[idx[limit - 1]].removed_by is not None:
        limit -= 1
    rest = range(end, limit)
    if not rest or not _broken_off(texts, words, kinds, limit - 1):
        return False
    if limit - end > 2 and _byline_at(end, texts, words):
        end += 2        # a live entry's author's name and role over its first words
        rest = range(end, limit)
    gap = next((p for p in rest if kinds[p] == "prose"), limit) - end
    if (gap == len(rest) > 2 and kinds[limit - 1] == CUT_SENTENCE and len(words[end - 1]) >= BRIDGED_WORDS
            and limit - 1 - end <= GAP_LINES and _plain_gap(texts, words, kinds, range(end, limit - 1), Counter(texts))):
        pass    # a section's heading, subtitle or address over its broken paragraph (`_bridge_gaps`)
    elif gap < len(rest) - 1:
        # paragraphs after a caption or two (or a signature and the next heading, of
        # HEAD_WORDS or more: no menu item), up to the broken one (a sentence, not a few words)
        if gap > 3 or gap == 3 and len(words[end + 2]) < HEAD_WORDS or kinds[limit - 1] != CUT_SENTENCE or any(
                kinds[p] != "prose" for p in range(end + gap, limit - 1)) or any(
                kinds[p] in (MEDIA_KIND, TEASER_KIND, MENU_KIND) for p in range(end, end + gap)):
            return False        # (a link to other stories is no caption)
    elif gap == len(rest) > 2:
        # a photo's name and credit (or a live entry's title, author and role) over it: up
        # to GAP_LINES short lines, none a teaser, menu, media link or sentence without its
        # end (a teaser's summary, or a caption that may be one)
        if len(rest) - 1 > GAP_LINES or any(kinds[p] in UNBRIDGED for p in range(end, limit - 1)):
            return False
    # else a sub-heading over it: a few words ending like no sentence nor a label ("Media
    # caption,"), or a live entry's title
    elif len(rest) > 2 or len(rest) == 2 and (
            len(words[end]) > MENU_WORDS or _punctuated(texts[end]) or texts[end][-1] == ",") and not (
            _entry_title(texts[end], words[end])):
        return False
    return not any(_section(texts[p], _folded(texts[p])) or _legal(texts[p], _folded(texts[p]))
                   or _residue_between(doc, idx[p - 1], idx[p]) for p in rest)


def _asks(text: str) -> bool:
    """SUPPORT.search: a line of the site's appeal to its readers, or its newsletter's pitch."""
    return any(map(_folded(text).__contains__, SUPPORT_WORDS)) and SUPPORT.search(text) is not None


def _appeal_head(doc: Document, idx: list[int], texts: list[str], scores: list[int], start: int, end: int) -> int:
    """Where the run starts when it opens with the site's appeal to its readers (a popup
    over the headline: "Enjoying ad-free content?", "This commitment costs us $10,000 a
    month. Your support can help us fill the gap.", a "Support us" button a rule removed,
    "We need your help to keep providing you with the truth."): its first APPEAL_LINES
    lines or fewer, down to the last that asks for support (`_asks`), with a line a rule
    removed among them, and less weight than the rest of the run. `start` otherwise."""
    asks = [q for q in range(start, min(end - 1, start + APPEAL_LINES)) if _asks(texts[q])]
    if not asks:
        return start
    last = asks[-1] + 1
    if (any(_residue_between(doc, idx[q - 1], idx[q]) for q in range(start + 1, last + 1))
            and sum(scores[start:last]) < sum(scores[last:end])):
        return last
    return start


def _appeal_tail(doc: Document, idx: list[int], texts: list[str], scores: list[int], start: int,
                 first_prose: int, end: int) -> int | None:
    """Where the site's appeal to its readers starts when it closes the run without a
    heading: the last APPEAL_LINES lines or fewer under a line a rule removed (a "Read
    more" link, a "Support us" button), one of them asking for the readers' support in
    its own words (SUPPORT: "To keep our newsroom running, we need your support."),
    weighing less than the run above it. None when there is no such appeal."""
    asks = [q for q in range(max(first_prose + 1, end - APPEAL_LINES), end) if _asks(texts[q])]
    if not asks:
        return None
    # the nearest border above the first line that asks, at most three lines above it
    q = next((q for q in range(asks[0], max(first_prose, asks[0] - 3), -1)
              if _residue_between(doc, idx[q - 1], idx[q])), None)
    return q if q is not None and sum(scores[q:end]) < sum(scores[start:q]) else None


def _inside_byline(text: str, words: list[str]) -> bool:
    """A byline inside the article, under its standfirst ("By Press Trust of India | Posted
    by Jo Park, Ghaziabad (UP)", "By Jo Park | NJ Advance Media"): BYLINE, at most
    DATED_WORDS words, not ending like a sentence with a stop ("By then, it was too late."
    and a paragraph opening "By Monday morning, the death toll ..." stay). The caller
    asks only for lines with the article below: the run's last line, on a page cut short,
    may be a teaser's byline glued to its text ("By Jo Park / Staff Writer At a two-day
    congress that open")."""
    return 0 < len(words) <= DATED_WORDS and text[-1] not in ".!?…" and BYLINE.match(text) is not None


def _byline_at(p: int, texts: list[str], words: list[list[str]]) -> bool:
    """Whether lines p and p + 1 are an author's name and role ("Jo Park" over "BBC Verify
    senior journalist"), as a live page's entries open."""
    return (p + 1 < len(texts) and words[p + 1][-1:] != [] and words[p + 1][-1] in ROLES
            and 0 < len(words[p]) <= MENU_WORDS and _named(texts[p]) and _role(texts[p + 1], words[p + 1]))


def _broken_off(texts: list[str], words: list[list[str]], kinds: list[str], p: int) -> bool:
    """Whether line p, the page's last, can be a sentence broken off where the page was
    cut: a wordy line without final punctuation, or a few words ("Foreig", "Did y",
    "“We have sought") opening like a paragraph, shown once, and no credit, byline or date."""
    text = texts[p]
    if kinds[p] == CUT_SENTENCE:
        return True
    opening = text.lstrip("—–- ") if text[:1] in "—–" else text     # (a dash opening a list's item or a reply)
    return (0 < len(words[p]) < PROSE_WORDS and not _punctuated(text) and text[-1] not in ",-–—|"
            and (opening[:1].isupper() or opening[:1] in "\"“‘'«")
            and texts.count(text) == 1 and not _dated(words[p])
            and not (BYLINE.match(text) or CAPTION.search(text) or "/" in text and SLASH_CREDIT.match(text)))


def _address(text: str) -> bool:
    """A web or e-mail address alone on its line ("t.me/gubernator_46", "ru@themoscowtimes.com",
    "www.example.com"): one word with a slash or an at sign, or a host's dotted name."""
    return (" " not in text and ("/" in text or "@" in text or text[:4] == "www.")
            and any(c.isalpha() for c in text[:3]))


def _continues(text: str) -> bool:
    """Whether this line goes on with the sentence of the line above: it opens in lower
    case, after its clock time in a transcript ("00:05which is when hackers ...")."""
    if text[:1].isdigit():
        time = CUE.match(text)
        if time is not None:
            text = text[time.end():]
    return text[:1].islower()


# Generic rules whose lines the fallback reads as borders where they stood (a reading
# time, "Show More" under a teaser, a digest's "(Read full story here)"): taken first,
# the article would run on over them into the teasers or head matter around it.
BORDER_RULES = frozenset(("digest-story-link", "more-button", "date-stamp"))
# and of those, the ones that close a list of links ("Show More" under a feed's teasers),
# which the article does not run on over
LIST_END_RULES = frozenset(("more-button",))
LIST_END_KIND = "a button closing a list of links"
INSIDE_REASONS = frozenset((None, STAMP_REASON, BYLINE_REASON, CAPTION_REASON, CREDIT_REASON, FILE_NAME_REASON,
                            DOUBLED_REASON))


TEASER_LINK_RULES = frozenset(("read-more",))
TEASER_HEAD = 3        # a teaser's headline, date and byline over its summary: at most this many lines


def _teaser_tail(doc: Document, idx: list[int], texts: list[str], words: list[list[str]], kinds: list[str],
                 scores: list[int], first_prose: int, end: int) -> int:
    """Where the run ends when teasers close it: each a headline and its date (and byline,
    up to TEASER_HEAD short lines) over one paragraph, followed by a "Read More" link a rule
    removed (TEASER_LINK_RULES), together weighing less than the article above them, whose
    own last paragraph has no such link (on a list of stories each has: they are the page's
    text). `end` otherwise."""
    lines = doc.lines

    def linked(p: int) -> bool:
        """The page's next line with text after line p is such a link (whatever went
        between in an earlier round: the next round must find the same)."""
        j = next((j for j in range(idx[p] + 1, len(lines)) if lines[j].text), None)
        return j is not None and lines[j].removed_by in TEASER_LINK_RULES

    cut = end
    while cut - 2 > first_prose and kinds[cut - 1] == "prose" and linked(cut - 1):
        top = next((q for q in range(cut - 2, max(first_prose, cut - 2 - TEASER_HEAD) - 1, -1)
                    if kinds[q] == "prose"), None)
        heads = range(top + 1, cut - 1) if top is not None else range(0)
        if (top is None or top == cut - 2 or not any(_head_dated(texts[q], words[q]) for q in heads)
                or not any(len(words[q]) >= HEAD_WORDS and not _punctuated(texts[q]) and not _dated(words[q])
                           and texts[q][:1].isupper() for q in heads)):
            break       # (a paragraph right above, a heading without a date: a guide's next item, or
            # a date without a headline: a quoted post's attribution, "— Name (@handle) November 18, 2019")
        cut = top + 1
    if cut == end or linked(cut - 1) or sum(scores[first_prose:cut]) <= sum(scores[cut:end]):
        return end
    return cut


def _list_ends(doc: Document, idx: list[int], scores: list[int], kinds: list[str],
               start: int, end: int) -> tuple[int, int]:
    """The run [start, end) parted at a button closing a list of links that a rule removed
    (LIST_END_RULES: "Show More" under a feed's teasers): the lighter side goes."""
    for p in range(end - 1, start - 1, -1):
        if kinds[p] == LIST_END_KIND:
            if sum(scores[start:p]) > sum(scores[p + 1:end]):
                end = p
            else:
                start = p + 1
    return start, end


def _with_borders(doc: Document) -> list[int]:
    """The kept lines' indices, and those of the lines a border rule removed (BORDER_RULES)
    between them, but for one between two paragraphs (an ad's slot or a "Show More" button
    inside the article, which parts nothing). A photo's credit beside it is looked past:
    the article holds it, and the fallback removes it, so a second cleaning finds the two
    paragraphs side by side."""
    lines = doc.lines
    kept = [i for i, ln in enumerate(lines) if ln.text and ln.removed_by is None]
    ghosts = [i for i, ln in enumerate(lines) if ln.text and ln.removed_by in BORDER_RULES]
    if not ghosts:
        return kept
    def paragraph(k: int, step: int) -> bool:
        """Whether kept[k], or the first line past the credits from it on (step: the
        direction), is a paragraph."""
        while 0 <= k < len(kept):
            text = lines[kept[k]].text.strip()
            if len(text.split()) >= PROSE_WORDS and _punctuated(text):
                return True
            if not _ruled_credit(text):
                return False
            k += step
        return False
    found = [g for g in ghosts
             if not (paragraph((k := bisect.bisect_left(kept, g)) - 1, -1) and paragraph(k, 1))]
    return sorted(kept + found)


def _residue_between(doc: Document, a: int, b: int) -> bool:
    """Whether a line between lines a and b was removed (by a rule: a share bar, "Read
    more"; or by an earlier round, as the frame); a timestamp, a byline, a photo's caption
    or credit the article held is no border, nor a line a border rule removed that the
    fallback reads as where it stood (BORDER_RULES: a or b)."""
    return any(doc.lines[j].removed_by not in INSIDE_REASONS for j in range(a + 1, b))


def _words(text: str) -> list[str]:
    """`WORD.findall(text.lower())`: the line's words, lower case as the stoplists are."""
    if "\x00" in text:         # the tables' stand-in for ’
        return WORD.findall(text.lower())
    if text.isascii():
        latin1 = text.encode()
    else:
        marked = text.replace("’", "\x00")
        for c in TYPOGRAPHY:
            marked = marked.replace(c, " ")
        try:
            latin1 = marked.encode("latin-1")
        except UnicodeEncodeError:      # other scripts
            return WORD.findall(text.lower())
    runs = " " + latin1.translate(LATIN1_RUNS).decode("latin-1")
    while " '" in runs or " -" in runs or " \x00" in runs:    # a quote or a dash opening a run
        runs = runs.replace(" '", "  ").replace(" -", "  ").replace(" \x00", "  ")
    return runs.replace("\x00", "’").split()


def _score(text: str, words: list[str], stopwords: int, wrapped: bool = False,
           foreign: bool = False) -> tuple[int, str]:
    """A line's score and the name of its class (used in --explain reasons). `stopwords`:
    how many `words` are the language's stopwords (all, if it has no stoplist). `wrapped`:
    the next line starts in lower case, so this one is a sentence broken by a hard wrap.
    `foreign`: the page is not in English (an English page's line in Japanese is a promo
    of another edition, no paragraph of its article)."""
    n = len(words)
    # only a line with few spaces for its length can be in an unspaced script
    unspaced = len(UNSPACED.findall(text)) if n and len(text) > 12 * n else 0
    if not unspaced and foreign and n and len(text) > 4 * n and max(text) >= "\u0e00":
        # (or with punctuation between its phrases, as Japanese writes them, on a page not
        # in English: when most of the line is in that script)
        unspaced = len(UNSPACED.findall(text))
        if 2 * unspaced < len(text):
            unspaced = 0
    n += unspaced // 2
    punctuated = _punctuated(text)
    wordy = n >= PROSE_WORDS and (unspaced or stopwords >= PROSE_STOPWORDS * len(words))
    if _table_row(text):
        return PUNCTUATED, "table row"
    if _media_link(text):
        return -PENALTY, MEDIA_KIND
    if not n:
        return 0, SEPARATOR    # "___", "* * *": between a live page's entries, no boundary
    # a date or byline line above a paragraph opening in lower case is no broken sentence
    wrapped = wrapped and not _dated(words)
    if wordy and (punctuated or wrapped or n >= LONG_WORDS):
        # (a sentence in capitals, a standfirst's or a kicker's, is no headline in Title
        # Case over its summary, nor a menu; an alphabet's letters are no sentence)
        shouted = text.isupper() and len(text) > 3 * n
        if not shouted and _teaser(text):
            return -PENALTY, TEASER_KIND
        if not (punctuated or wrapped or shouted) and _title_cased(text, n):
            return -PENALTY, MENU_KIND
        # paragraphs run into one line (a page sent as one line) count by their length
        return (n if n >= LONG_LINE else min(n, PROSE_CAP)), "prose"
    folded = _folded(text)
    if _section(text, folded):
        return -SECTION_PENALTY, SECTION_KIND
    if punctuated or _credit(text, folded):
        return PUNCTUATED, "short line" if n < PROSE_WORDS else "few stopwords"
    if "/" in text and SLASH_CREDIT.match(text) or (
            ("copyright" in folded or "©" in text) and IMAGE_COPYRIGHT.match(text)):
        return 0, CREDIT_KIND    # a photo's, between a listing's items: no border of the article
    if wordy:
        return SENTENCE, CUT_SENTENCE
    return -PENALTY, "short, no sentence punctuation" if n < PROSE_WORDS else "no sentence punctuation"


# A regex call costs about 8,000 instructions even when it fails at the first character,
# more than the rest of a line's scoring: these rule most lines out first, exactly.

def _teaser(text: str) -> bool:
    """TEASER.match. Its first six words hold no whitespace, and its \\s (Unicode
    White_Space) is whitespace to str.split: they are the line's first split() words,
    each starting with a capital, digit or quote (prose has a-z in its second or third)."""
    first = text.split(None, 2)    # the first two words and the rest
    if len(first) < 3 or "a" <= first[1][0] <= "z" or "a" <= first[2][0] <= "z":
        return False
    return TEASER.match(text) is not None


def _appeal(text: str) -> bool:
    """APPEAL.match: a heading ending in a colon, or the 'favor to ask' line."""
    return (text[-1] == ":" and text[:1] in "Aa" or "fav" in text) and APPEAL.match(text) is not None


def _folded(text: str) -> str:
    """The text lower-cased as IGNORECASE patterns read ASCII letters: they also match İ to
    i, ſ to s and K (Kelvin) to k, which lower() leaves as i with a combining dot, as ſ, and
    makes k. So a word such a pattern spells out in ASCII is in the folded text of a match."""
    folded = text.lower()
    if not folded.isascii():
        folded = folded.replace("\u0307", "").replace("ſ", "s")
    return folded


def _section(text: str, folded: str) -> bool:
    """SECTION.match, given the `_folded` text. Its \\s is whitespace to str.split: the first
    split() word of a match is one of SECTION_FIRST (trending may carry its colon)."""
    first = folded.split(None, 1)[:1]
    return (first != [] and first[0].rstrip(":.…") in SECTION_FIRST
            and SECTION.match(text) is not None)


def _credit(text: str, folded: str) -> bool:
    """CREDIT.match, given the `_folded` text: every match holds one of these words."""
    return ((" by" in folded or " from" in folded or "contributed" in folded)
            and CREDIT.match(text) is not None)


def _comments(text: str, folded: str) -> bool:
    """COMMENTS.match, given the `_folded` text: every match holds one of these words
    (kommentar and the Romance forms too: omment, coment; Russian and Ukrainian: коммент, комент)."""
    return (("omment" in folded or "coment" in folded or "respons" in folded or "repl" in folded
             or "reaction" in folded or "discussion" in folded or "thought" in folded
             or "коммент" in folded or "комент" in folded)
            and COMMENTS.match(text) is not None)


def _title_cased(text: str, n: int) -> bool:
    """Most words capitalised: a menu or a list of headlines run into one line, not a
    sentence (German capitalises its nouns: about a third of its words)."""
    return sum(map(str.isupper, map(_FIRST, text.split()))) > TITLE_CASE * n


def _legal(text: str, folded: str) -> bool:
    """LEGAL.search, given the `_folded` text: every match holds one of LEGAL_WORDS."""
    return (any(map(folded.__contains__, LEGAL_WORDS)) and LEGAL.search(text) is not None
            and IMAGE_COPYRIGHT.match(text) is None)    # a photo's credit is no legal notice


def _punctuated(text: str) -> bool:
    """Ends like a sentence, but not with a count ("Most commented story (185)") or a
    link's media tag ("Tram blocks the avenue (video)")."""
    last = text[-1:]
    return last in TERMINAL and not (last == ")" and (COUNT.search(text) or MEDIA_TAG.search(text)))


def _media_link(text: str) -> bool:
    """A link to another story that says it is a video or a gallery: MEDIA_TAG at its end."""
    return text[-1:] == ")" and MEDIA_TAG.search(text) is not None


def _table_row(text: str) -> bool:
    """A table as text (trafilatura writes them so): | at both ends."""
    return len(text) > 1 and text[0] == "|" == text[-1]


def _figures(text: str, words: list[str]) -> bool:
    """A row of a table flattened to text: mostly numbers (results, standings, prices),
    or a label and its figure ("SPD: 20,5 Prozent", "Union: 246 Mandate", "FDP 4,7 %";
    a date or a time is no label's figure)."""
    n = len(words)
    if n < FIGURES_WORDS and (n < 2 or ": " not in text and "%" not in text):
        return False
    figures = sum(map(str.isdigit, map(_FIRST, words)))
    return 2 * figures >= n if n >= FIGURES_WORDS else 0 < figures and CLOCK.search(text) is None


def _records_end(texts: list[str], scores: list[int], start: int, end: int, limit: int) -> int:
    """Where a list of records that the article closes with ends (products with their
    price and "Buy Now", a meal plan's meals with their times): lines repeated RECORDS
    times or more after the run, the first of them within one record of its end, and more
    prose among them than in the run itself. A short intro over a long list outweighs
    nothing by its prose alone; a list of other stories seldom repeats a line so often,
    nor outweighs the article. `end` when there is no such list."""
    run = sum(scores[start:end])
    if sum(s for s in scores[end:limit] if s > 0) <= run:
        return end      # (cheap, first) not even the whole rest holds more prose than the run
    counts = Counter(texts[end:limit])
    # (a record's repeated line is a label, "Buy Now", "Price:": a sentence printed again
    # and again is residue, which must not carry the article over what follows it)
    repeated = {t for t, c in counts.items() if c >= RECORDS and len(t.split()) < PROSE_WORDS}
    if not repeated:
        return end
    hits = [p for p in range(end, limit) if texts[p] in repeated]
    seen: dict[str, int] = {}
    period = limit      # a record's length: the fewest lines between a repeated line's copies
    for p in hits:
        if texts[p] in seen:
            period = min(period, p - seen[texts[p]])
        seen[texts[p]] = p
    first, last = hits[0], hits[-1]
    if first - end > max(period, RECORDS) or sum(s for s in scores[end:last + 1] if s > 0) <= run:
        return end
    return last + 1


def _ends_article(text: str, words: list[str], after_residue: bool, listed: bool = False) -> bool:
    """Where the run's extension over non-prose lines stops: after residue a rule
    removed, at a heading of links or comments, at a link tagged as a video or gallery,
    or at a menu-sized line, unless it is the next bullet point of a list (`listed`:
    "• Recruitment of teachers" under "• No detention of students ...")."""
    folded = _folded(text)
    return after_residue or _section(text, folded) or _comments(text, folded) or (
        _media_link(text)) or (
        0 < len(words) <= MENU_WORDS and not listed and not _punctuated(text) and not _table_row(text))


def _best_run(scores: list[int], lo: int, hi: int) -> tuple[int, int]:
    """[start, end) of the maximum-sum run of scores[lo:hi] that holds at least one
    prose line; (0, 0) when no run has a positive total. Ties keep the earliest run."""
    best, best_start, best_end = 0, 0, 0
    total, start = 0, lo
    for p in range(lo, hi):
        if total <= 0:
            total, start = 0, p
        total += scores[p]
        # a run of short punctuated lines alone (a list of links with dates) is no article
        if total > best and total > PUNCTUATED * (p - start + 1):
            best, best_start, best_end = total, start, p + 1
    return best_start, best_end


def _head(start: int, end: int, texts: list[str], words: list[list[str]], kinds: list[str],
          parted: frozenset[int] = frozenset()) -> set[int]:
    """The article's head above its main prose run (docs/POLICY.md keeps it): walking up
    at most HEAD_REACH lines (besides bylines, dates and keywords), the headline and the
    standfirst lines under it, skipping the bylines, dates, captions, legal lines and
    repeats (here or in the article: a gallery caption) that stand between them and the
    body; a menu line above them ends the head. The headline is the page's title (its first line that is no date), a line
    repeating most of the title's words or shown twice, or else one of at most two head
    lines: more, and none marked, are a list of other stories, unless all are bullet
    points (the key facts)."""
    candidates: list[int] = []
    run = set(texts[start:end])
    seen: Counter[str] = Counter()
    # (a label, "Author:" or a widget's "Like this:", is no title: its value comes next)
    # (nor is a line of the site's appeal over the headline, which ends the head: `_asks`)
    first = next((p for p in range(start) if words[p] and not _dated(words[p]) and not _label(texts[p], words[p])
                  and not _asks(texts[p])), 0)
    if len(words[first]) < HEAD_WORDS and texts.count(texts[first]) > 1:
        first = -1      # a short line shown twice is a section's or widget's name ("News Feed")
    # the title's words, less the site's name after the headline and its section
    # ("Headline | india | Hindustan Times": it would make the site's name a title)
    parts = texts[first].split(" | ") if first >= 0 else []
    title = set() if first < 0 else set(_words(" ".join(parts[:-1]))) if len(parts) > 2 else set(words[first])

    def titled(p: int) -> bool:
        return p == first or len(set(words[p]) & title) >= 0.7 * len(set(words[p]))

    def dated_below(p: int) -> bool:
        """The next line with words under p, above the body, is a date."""
        q = p + 1
        while q < start and not words[q]:
            q += 1
        return q < start and _head_dated(texts[q], words[q])

    # the first entry's title of a live page, or the first sub-heading of an article
    # that has more like it, right above its text, is the article's
    entry = {start - 1} if start and (_entry_title(texts[start - 1], words[start - 1])
                                      or _first_subheading(start, end, texts, words, kinds)) else set()
    reach = HEAD_REACH
    dated: list[int] = []
    for p in range(start - 1 - len(entry), max(start - 1 - 2 * HEAD_REACH, -1), -1):
        text = texts[p]
        folded = _folded(text)
        if _section(text, folded) or _comments(text, folded) or _asks(text) or kinds[p] == LIST_END_KIND:
            break
        seen[text] += 1
        # a page's metadata (date, byline, keywords, a label's value: "Author:" over a
        # name, a source's name over its date: "Hindustan Times Noida" over "|November
        # 22, 2025", an author's name over the role: "Live reporter") lengthens the reach
        if (candidates and candidates[-1] == p + 1 and p + 1 not in parted and _head_dated(text, words[p])
                and not (BYLINE.match(text) or COUNTER.match(text))):
            # a head line right under a date ("Last Updated: ...", no byline), nothing removed
            # between (a teaser's section label a site's template took: "January 14, 2019"
            # over "CAR REVIEWS" over the next teaser's headline)
            dated.append(p + 1)
        if (BYLINE.match(text) or _head_dated(text, words[p]) or _tags(text) or _role(text, words[p])
                or p and _label(texts[p - 1], words[p - 1]) and len(words[p]) <= HEAD_REACH
                or len(words[p]) <= MENU_WORDS and _named(text) and not titled(p)
                and (dated_below(p) or p + 1 < start and _role(texts[p + 1], words[p + 1]))):
            continue
        if text[:1] not in BULLETS:     # the key facts as bullet points count as one
            reach -= 1
        if reach < 0:
            break
        # (a repeat in the article is a gallery's caption, unless it is the page's title)
        # (a standfirst shown again as the first paragraph, below its byline and date,
        # stays twice; a caption shown twice in a row goes)
        if (seen[text] > 1 and not (kinds[p] == "prose" and any(texts[q] == text for q in candidates if q > p + 1))
                or text in run and not titled(p) or _legal(text, folded) or CAPTION.search(text)
                or len(words[p]) > 2 and CAPTION_OPENING.match(text)    # (a label alone, "Image caption,", ends it)
                or kinds[p] == CREDIT_KIND or NAMES.match(text)
                or "/" in text and (SLASH_CREDIT.match(text) or "//" in text) or _address(text)):     # (or an address)
            continue
        if candidates and texts[candidates[-1]].startswith(text + ":"):
            continue    # a series' label that the headline under it opens with ("Lo mejor de 2019")
        if ((len(words[p]) >= HEAD_WORDS or len(words[p]) >= 2 and titled(p) and not _label(text, words[p]))
                and (kinds[p] not in (TEASER_KIND, MENU_KIND, "table row") or p == start - 1 and _named_lead(text, words[p], kinds[p]))
                and not _names_list(text, words[p])):
            candidates.append(p)
        elif candidates and not _punctuated(text):
            break      # a menu or a site's name above the headline
    # a line printed twice in a row under a standfirst (a sentence) is a photo's caption
    # under its alt text, unless it is the page's title (a headline printed twice has its
    # standfirst below it; a breadcrumb holding the headline may stand above it)
    candidates = [p for p in candidates if not (p and texts[p - 1] == texts[p] and not titled(p)
                                                and any(q < p - 1 and kinds[q] == "prose" for q in candidates))]
    marked = [p for p in candidates if titled(p) or seen[texts[p]] > 1 or _entry_title(texts[p], words[p])]
    # (the page's title shown again as the run's first line is the headline: its copy goes
    # as the frame's, and a short line over the body is a logo's or a widget's name then)
    # (a photo's credit, "Yelena Afonina / TASS", is no title)
    if (not entry and kinds[start - 1] != CREDIT_KIND and _short_title(start - 1, texts, words, kinds)
            and set(candidates) <= {first} and not (first in candidates and texts[first] == texts[start])):
        return {start - 1}
    if marked:
        # the key facts as bullet points over a live page's first entry stay too
        above = [p for p in candidates if p < marked[-1]]
        facts = above if above and all(texts[p][:1] in BULLETS for p in above) else []
        return entry | {p for p in candidates if p >= marked[-1]} | set(facts)
    if 0 < len(candidates) <= 2 and len(words[candidates[-1]]) >= HEADLINE_WORDS:
        return entry | set(candidates)
    if candidates and all(texts[p][:1] in BULLETS for p in candidates):
        return entry | set(candidates)      # the key facts as bullet points over the body
    if dated:
        # more head lines than a headline and its standfirst, none marked: the one right
        # under the page's date is the headline, and what stands between it and the body
        # its standfirst or a photo's caption (an old BBC page: "Last Updated: Thursday,
        # 2 September, 2004, 05:05 GMT 06:05 UK" over "Talks begin in school siege drama")
        return entry | {p for p in candidates if p >= dated[-1]}
    return entry


def _named_lead(text: str, words: list[str], kind: str) -> bool:
    """Whether a line taken for a teaser (TEASER: six capitalised words) is the article's
    first paragraph, opening with a long name ("The 34th Moscow International Film
    Festival officially opened late Thursday ..."): a long sentence ending like one whose
    seventh word is in lower case (a teaser's headline runs into its summary's capital)."""
    split = text.split(None, 7)
    return (kind == TEASER_KIND and len(words) >= LONG_WORDS and _punctuated(text)
            and len(split) > 7 and split[6][:1].islower())


def _subheading(text: str, words: list[str]) -> bool:
    """A sub-heading's form: one to five words, opening with a capital or a figure, ending
    like no sentence; no date, byline, credit or caption."""
    return (0 < len(words) <= HEADLINE_WORDS and (text[:1].isupper() or text[:1].isdigit())
            and not _punctuated(text) and text[-1] not in ",-–—|" and not _dated(words)
            and not (BYLINE.match(text) or CAPTION.search(text) or PHOTO_CREDIT.match(text) or "/" in text))


def _case(text: str) -> int:
    """How a heading is written: 2 in capitals, 1 every word capitalised, 0 as a sentence."""
    return 2 if text.isupper() else 1 if all(w[:1].isupper() or w[:1].isdigit() for w in text.split()) else 0


def _first_subheading(start: int, end: int, texts: list[str], words: list[list[str]], kinds: list[str]) -> bool:
    """Whether the line right above the run is the article's first sub-heading ("Reserves
    Rise" over a brief's paragraph): a sub-heading's form, two words or more, written as
    two inside the run between paragraphs ("Kudrin Has Appendicitis")."""
    p = start - 1
    if len(words[p]) < 2 or not _subheading(texts[p], words[p]) or NAMES.match(texts[p]):
        return False        # (one word over the body is more often a share button: "Email")
    case = _case(texts[p])
    return sum(kinds[q - 1] == kinds[q + 1] == "prose" and kinds[q] != "prose" and _subheading(texts[q], words[q])
               and _case(texts[q]) == case for q in range(start + 1, end - 1)) >= 2


def _label(text: str, words: list[str]) -> bool:
    """A label over its value: a word or two ending in a colon ("Author:", "Publish date:",
    a sharing widget's "Like this:"). No head line: kept, it would make the next line its
    value once the lines between go (a date), and that line would go in the next round."""
    return text[-1:] == ":" and 0 < len(words) <= 2


def _role(text: str, words: list[str]) -> bool:
    """A role under an author's name: a few words ending in one of ROLES, or so followed by
    the outlet's name after a comma ("Environment correspondent, BBC News")."""
    if not 0 < len(words) <= HEAD_REACH or _punctuated(text):
        return False
    if words[-1] in ROLES:
        return True
    role, _, outlet = text.partition(", ")
    return (bool(outlet) and role.rsplit(None, 1)[-1].lower() in ROLES and "," not in outlet
            and _named(outlet) and len(outlet.split()) <= 3)


def _named(text: str) -> bool:
    """Every word capitalised and no final punctuation, as a name is written ("Hindustan
    Times Noida"; not "Related BBC sites")."""
    return all(w[:1].isupper() for w in text.split()) and not _punctuated(text)


def _short_title(p: int, texts: list[str], words: list[list[str]], kinds: list[str]) -> bool:
    """Whether line p, right above the body, is a short headline ("Smoker's Friend",
    "Budget Deficit Skyrocketing"): two or three words, opening with a capital, ending
    like no sentence, under a sentence (an appeal: "Support The Moscow Times!") or a
    date, not under a menu item or a name (then it is a caption's name, "Live reporter"),
    nor a date itself (`_dated`: a figure and a word, "A:0", under a date line a rule removed
    would be taken on a first cleaning only)."""
    if p < 1 or not 2 <= len(words[p]) < HEAD_WORDS or kinds[p] in (MENU_KIND, TEASER_KIND, "table row"):
        return False
    text, above = texts[p], texts[p - 1]
    return (text.lstrip("\"“‘'«")[:1].isupper() and not _punctuated(text) and text[-1] not in ",-–—|"
            and (_punctuated(above) or _dated(words[p - 1])) and not _dated(words[p])
            and not BYLINE.match(text))    # ("By AFP")


def _head_dated(text: str, words: list[str]) -> bool:
    """A date line over the article (`_dated`), a figure with a thousands separator
    counting once: a headline's "closes at 58,723" is no date, nor a live entry's title
    with its time."""
    if not _dated(words) or text[:1].isdigit() and _entry_title(text, words):
        return False
    if "," in text and THOUSANDS.search(text):
        return _dated(_words(THOUSANDS.sub(r"\1\2", text)))
    return True


def _names_list(text: str, words: list[str]) -> bool:
    """A list of names, a comma after every word or two ("Metro cities - Delhi, Mumbai,
    Chennai, Kolkata"): a menu, not a headline ("Fear, loss, devastation in Kathmandu ...")."""
    commas = text.count(",")
    return commas >= 3 and 2 * commas >= len(words)


def _tags(text: str) -> bool:
    """A page's keywords run into one line ("Nepal earthquake,Nepal rescue operations,Nepal
    death toll"): two or more words joined by a comma without a space."""
    return "," in text and len(TAG_JOIN.findall(text)) >= 2


def _entry_title(text: str, words: list[str]) -> bool:
    """A live page's entry title (ENTRY), with more words than figures: "6. September
    2012" is a date."""
    return (text[:1].isdigit() and ENTRY.match(text) is not None
            and 2 * sum(map(str.isdigit, map(_FIRST, words))) < len(words))


def _stamp(text: str, words: list[str]) -> bool:
    """A timestamp: a date with its year and a time of day, in a line ending like no
    sentence ("10:26 p.m. EDT | Sept. 1, 2005 | permalink", "• 3/2/2014 11:18:35 AM
    Paul Middelhoff", "11:25 17.08.2022 Source: TASS"); an entry's time alone, a live
    entry's title with its time (`_entry_title`), or a time in a sentence or heading
    ("23:05 Uhr: Merkel will ... - nur wie?"), is none. A quote closing a name
    ('Источник: Информационное агентство России "ТАСС"') ends no sentence."""
    named = text.rstrip('"”»')
    return (":" in text and not _punctuated(named if named[-1:].isalpha() else text) and TIME.search(text) is not None
            and YEAR.search(text) is not None and _dated(words) and not _entry_title(text, words))


def _dated(words: list[str]) -> bool:
    """A date or time line ("Published On 22 Nov 2023", "1 min read", "11:48 p.m.",
    "Updated Nov 19, 6:55 AM; Posted Nov 19, 6:51 AM", "Posted on May 30, 2015 by Admin")."""
    figures = sum(map(str.isdigit, map(_FIRST, words)))
    return 0 < len(words) <= DATED_WORDS and 4 * figures > len(words)
