"""A light suffix stripper for Kazakh, for the book's search (index side in Python, query side in JavaScript).

Kazakh is agglutinative: a noun carries its endings in a fixed order,
``stem + plural + possessive + case`` (өңір-лер-і-нің "of its regions").
Sphinx has no Kazakh stemmer, so the search index held every inflected form
apart and "өңірдің" found a fifth of the pages "өңір" found. This module strips
the *inflectional* endings of nouns from the right, one slot at a time:

1. case (and the attributive ``-дағы/-ғы``): genitive ``-ның/-дың/-тың``,
   dative ``-ға/-қа/-на``, accusative ``-ны/-ды/-ты/-н``, locative
   ``-да/-та/-нда``, ablative ``-дан/-тан/-нан``, instrumental ``-мен/-бен/-пен``;
2. third-person possessive ``-ы/-і/-сы/-сі`` (the only person a report uses:
   first and second persons are left alone, since many stems end in ``-ым``/``-ің``);
3. plural ``-лар/-дар/-тар`` (front variants with ``е``).

Derivational suffixes (``-лық`` "-al", ``-сыз`` "-less", ``-шы`` agent) are
kept: өңір "region" and өңірлік "regional" stay apart, and so do бағдарлама and
бағдарламасыз. Each suffix has the context the grammar gives it (the
``н``-forms of the cases follow the possessive ``ы/і``; ``-сы`` follows a
vowel, ``-ы`` a consonant), a stem keeps at least three letters and a vowel,
and two sound changes are undone: the voicing of a final ``к/қ/п`` before a
vowel (теңсіздігі → теңсіздік) and a few vowel elisions (халқы → халық).
Proper names whose last letters look like an ending (Алматы, Қарағанды,
Қызылорда) are protected.

Sources. The endings and the contexts follow the affix list of
K. A. Krippes, *Kazakh Grammar with Affix List* (Dunwoody Press, 1996) and
the noun paradigm of the Apertium Kazakh transducer (apertium-kaz, described
in Washington, Salimzyanov and Tyers, "Finite-state morphological
transducers for three Kypchak languages", LREC 2014). The slot-by-slot
design (longest ending first, a vowel left in the stem) is that of the
Apache-2.0 ``KazakhLightStemmer`` of the Yupana project
(rusexpertiza-llc/yupana); no code is copied from either project, and
unlike Yupana's this stemmer strips no derivational suffix.

The JavaScript stemmer of the search page (:data:`JS_STEMMER`) interprets the
same tables (embedded as JSON), so both sides stem every word alike;
``tests/test_stem_kk.py`` runs it with node on a word list.

Examples
--------
>>> [stem(w) for w in ("өңір", "өңірдің", "өңірлер", "өңірлердің", "өңірде", "өңірлерінің")]
['өңір', 'өңір', 'өңір', 'өңір', 'өңір', 'өңір']
>>> stem("өңірлік"), stem("Алматыда"), stem("теңсіздігі")
('өңірлік', 'алматы', 'теңсіздік')
"""

from __future__ import annotations

import json

VOWELS = "аәеёиоөуұүыіэюя"
POSSESSIVE_VOWELS = "ыі"  # the third-person possessive before an n-form of a case
NASAL_OR_POSSESSIVE = "мнңыі"
# Vowels a "-сы/-сі" possessive follows: a stem ending in ы/і takes it too (оқушысы), but "облысы" and
# "табысы" (consonant stem + ы) are far more common in the report, so ы/і before "сы" is read that way.
VOWELS_BUT_YI = "аәеёиоөуұүэюя"
VOICELESS = "кқпстфхцчшщ"
VOICED = "бвгғджзйлмнңрһ"  # consonants after which the accusative is -ды/-ді (after vowels -ны, after voiceless consonants -ты)

# (ending, letters the stem may end with before it; "" = any). Longest endings are tried first.
CASE_ENDINGS = (
    ("ндағы", POSSESSIVE_VOWELS), ("ндегі", POSSESSIVE_VOWELS),
    ("дағы", ""), ("дегі", ""), ("тағы", ""), ("тегі", ""),
    ("менен", ""), ("бенен", ""), ("пенен", ""),
    ("ндан", POSSESSIVE_VOWELS), ("нден", POSSESSIVE_VOWELS),
    ("дан", ""), ("ден", ""), ("тан", ""), ("тен", ""), ("нан", NASAL_OR_POSSESSIVE), ("нен", NASAL_OR_POSSESSIVE),
    ("ның", VOWELS + "мнң"), ("нің", VOWELS + "мнң"), ("дың", ""), ("дің", ""), ("тың", ""), ("тің", ""),
    ("нда", POSSESSIVE_VOWELS), ("нде", POSSESSIVE_VOWELS),
    ("мен", ""), ("бен", ""), ("пен", ""),
    ("да", ""), ("де", ""), ("та", ""), ("те", ""),
    ("ға", ""), ("ге", ""), ("қа", ""), ("ке", ""), ("на", POSSESSIVE_VOWELS), ("не", POSSESSIVE_VOWELS),
    # attributive -ғы (жылғы, соңғы) follows a consonant: after a vowel "-гі" is a voiced к + possessive (теңсіздігі)
    ("ғы", "!" + VOWELS), ("гі", "!" + VOWELS), ("қы", "!" + VOWELS), ("кі", "!" + VOWELS),
    ("ны", VOWELS), ("ні", VOWELS), ("ды", VOICED), ("ді", VOICED), ("ты", VOICELESS), ("ті", VOICELESS),
    ("н", POSSESSIVE_VOWELS),
)
POSSESSIVE_ENDINGS = (("сы", VOWELS_BUT_YI), ("сі", VOWELS_BUT_YI), ("ы", "!" + VOWELS), ("і", "!" + VOWELS))
PLURAL_ENDINGS = (("лар", ""), ("лер", ""), ("дар", ""), ("дер", ""), ("тар", ""), ("тер", ""))
SLOTS = (CASE_ENDINGS, POSSESSIVE_ENDINGS, PLURAL_ENDINGS)

MIN_STEM = 3
SHORT_STEMS = ("ел", "су", "ай", "өз")  # two-letter nouns the report inflects (ел "country", өз "self")
# Final consonants voiced before a vowel ending: undone when a vowel ending (ы/і) was stripped.
DEVOICE = {"г": "к", "ғ": "қ", "б": "п"}
# Stems that lose a vowel before a vowel ending (халық → халқы): the stripped form -> the full one.
ELISIONS = {"халқ": "халық", "орн": "орын", "ауз": "ауыз", "мұрн": "мұрын", "ерн": "ерін", "қарн": "қарын",
            "ойн": "ойын", "көрн": "көрін"}
# Words (lower case) whose own last letters look like an ending: names of regions and cities and a few nouns
# (аудан+ы reads as ауда+ны). No ending is stripped that would cut into one of them.
PROTECTED = (
    "аудан", "тұрғын", "қазақстан", "заман", "орман", "өзен", "мекен",
    "алматы", "қарағанды", "қызылорда", "атырау", "маңғыстау", "ұлытау", "жетісу", "абай", "астана",
    "семей", "тараз", "ақтау", "талдықорған", "көкшетау", "орал", "ақтөбе", "түркістан", "шымкент",
    "қостанай", "павлодар", "петропавл", "жезқазған", "өскемен", "қонаев", "сауда", "орда", "орта", "тағы",
)
STOPWORDS = frozenset(
    "және мен бен пен да де та те ал бірақ немесе әлде үшін бойынша туралы арқылы сияқты бұл ол осы сол "
    "бар жоқ емес әр не ма ме ба бе па пе ғана тек ең өте кейін дейін шейін бірге қана ішінде".split()
)


def _fits(stem_part: str, context: str) -> bool:
    if not stem_part:
        return False
    if not context:
        return True
    if context.startswith("!"):
        return stem_part[-1] not in context[1:]
    return stem_part[-1] in context


def _long_enough(stem_part: str) -> bool:
    if stem_part in SHORT_STEMS:
        return True
    return len(stem_part) >= MIN_STEM and any(ch in VOWELS for ch in stem_part)


def _cuts_protected(word: str, rest: str) -> bool:
    return any(len(rest) < len(name) and word.startswith(name) for name in PROTECTED)


def _strip(word: str, endings) -> tuple[str, str]:
    for ending, context in endings:
        if word.endswith(ending):
            rest = word[: -len(ending)]
            if _fits(rest, context) and _long_enough(rest) and not _cuts_protected(word, rest):
                return rest, ending
    return word, ""


def stem(word: str) -> str:
    """The stem of a Kazakh word (lower case); words in other scripts come back lower-cased only.

    >>> stem("Облысының"), stem("жылдардағы"), stem("бағдарламасыз")
    ('облыс', 'жыл', 'бағдарламасыз')
    """
    word = word.lower()
    if len(word) < MIN_STEM or not any(ch in VOWELS for ch in word):
        return word
    vowel_stripped = False
    for slot in SLOTS:
        word, ending = _strip(word, slot)
        if ending in ("ы", "і"):
            vowel_stripped = True
        if slot is PLURAL_ENDINGS and ending:
            # a stem ending in ы/і (оқушы) keeps it before the plural but loses it bare: strip it alike
            word, again = _strip(word, POSSESSIVE_ENDINGS[2:])
            vowel_stripped = vowel_stripped or bool(again)
    if vowel_stripped and word[-1] in DEVOICE:
        word = word[:-1] + DEVOICE[word[-1]]
    return ELISIONS.get(word, word)


def tables_json() -> str:
    """The tables of :func:`stem` as one JSON object (what :data:`JS_STEMMER` interprets)."""
    return json.dumps({
        "vowels": VOWELS, "slots": [list(map(list, slot)) for slot in SLOTS], "minStem": MIN_STEM,
        "shortStems": list(SHORT_STEMS), "devoice": DEVOICE, "elisions": ELISIONS, "protected": list(PROTECTED),
    }, ensure_ascii=False, sort_keys=True)


# The same algorithm as stem(), line for line; Sphinx's searchtools.js calls new Stemmer().stemWord(w).
JS_STEMMER = """
/* Kazakh suffix stripper of the Aimaq book (analysis.book.stem_kk; the Python side indexes with it). */
var Stemmer = function() {
  var T = %s;
  var possessiveVowel = T.slots[1].slice(2);
  function fits(rest, context) {
    if (!rest.length) return false;
    if (!context.length) return true;
    var last = rest.charAt(rest.length - 1);
    if (context.charAt(0) === "!") return context.slice(1).indexOf(last) === -1;
    return context.indexOf(last) !== -1;
  }
  function longEnough(rest) {
    if (T.shortStems.indexOf(rest) !== -1) return true;
    if (rest.length < T.minStem) return false;
    for (var i = 0; i < rest.length; i++) { if (T.vowels.indexOf(rest.charAt(i)) !== -1) return true; }
    return false;
  }
  function cutsProtected(word, rest) {
    for (var i = 0; i < T.protected.length; i++) {
      var name = T.protected[i];
      if (rest.length < name.length && word.slice(0, name.length) === name) return true;
    }
    return false;
  }
  function strip(word, endings) {
    for (var i = 0; i < endings.length; i++) {
      var ending = endings[i][0];
      if (word.length > ending.length && word.slice(-ending.length) === ending) {
        var rest = word.slice(0, -ending.length);
        if (fits(rest, endings[i][1]) && longEnough(rest) && !cutsProtected(word, rest)) return [rest, ending];
      }
    }
    return [word, ""];
  }
  this.stemWord = function(w) {
    var word = w.toLowerCase();
    var hasVowel = false;
    for (var i = 0; i < word.length; i++) { if (T.vowels.indexOf(word.charAt(i)) !== -1) hasVowel = true; }
    if (word.length < T.minStem || !hasVowel) return word;
    var vowelStripped = false;
    for (var s = 0; s < T.slots.length; s++) {
      var r = strip(word, T.slots[s]);
      word = r[0];
      if (r[1] === "\\u044b" || r[1] === "\\u0456") vowelStripped = true;
      if (s === T.slots.length - 1 && r[1]) {
        var again = strip(word, possessiveVowel);
        word = again[0];
        if (again[1]) vowelStripped = true;
      }
    }
    var last = word.charAt(word.length - 1);
    if (vowelStripped && T.devoice.hasOwnProperty(last)) word = word.slice(0, -1) + T.devoice[last];
    return T.elisions.hasOwnProperty(word) ? T.elisions[word] : word;
  };
};
""" % tables_json()


def search_language():
    """A ``sphinx.search.SearchLanguage`` subclass for Kazakh (imported lazily: Sphinx is a build-time need)."""
    from sphinx.search import SearchLanguage

    class SearchKazakh(SearchLanguage):
        lang = "kk"
        language_name = "Kazakh"
        js_stemmer_rawcode = ""
        js_stemmer_code = JS_STEMMER
        stopwords = STOPWORDS

        def stem(self, word: str) -> str:
            return stem(word)

        def word_filter(self, word: str) -> bool:
            # Sphinx's default drops stop words only in Latin script; drop the Kazakh ones too.
            return word not in self.stopwords

    return SearchKazakh
