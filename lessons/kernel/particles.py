"""Korean particles that agree with the word before them.

A Korean catalogue entry writes a particle whose form depends on the word it follows as
both forms, "“%(title)s”을(를) 완료로 표시했습니다": the word is only known once the message
is filled in. `resolve_particles()` turns each such pair into the one form the word before
it takes ("“파드”를", "“노드 구조”를", "“kubectl”로", "“404”로"), read from the word's last
syllable: a Hangul syllable by its final consonant (batchim), digits as they are read in
Korean (1 일, 10 십), Latin letters by their English sound (an acronym letter by letter).
Where the word cannot be read (an emoji, a symbol, nothing at all) the pair stays as
written, which is still correct Korean.
"""

import re

# Closing quotes and brackets between a word and its particle: “파드”를, (CKA)를.
CLOSERS = "\"'”’)]}»」』〉》"

# The particle pairs of the catalogue: the form after a final consonant, after a vowel.
PAIRS = {
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(으)로": ("으로", "로"),
}
MARKER = re.compile("|".join(re.escape(marker) for marker in PAIRS))

# How the end of a word sounds: no final consonant, a final ㄹ (which takes 로, not 으로),
# or another final consonant.
VOWEL, RIEUL, CONSONANT = "vowel", "rieul", "consonant"

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
RIEUL_INDEX = 8  # ㄹ among the 28 final-consonant slots of a Hangul syllable

# Digits as read in Korean: 영, 일, 이, 삼, 사, 오, 육, 칠, 팔, 구.
DIGITS = dict(zip("0123456789", ["c", "r", "v", "c", "v", "v", "c", "r", "r", "v"], strict=True))
# Letter names: 엘 and 알 end in ㄹ, 엠 and 엔 in another consonant, the rest in a vowel.
LETTERS = {"l": "r", "r": "r", "m": "c", "n": "c"}
SHORT_VOWELS = set("aeiou")
CLIPPED = set("bkpt")  # lab 랩, kit 킷, kubelet 쿠블렛: said with a final consonant
SOUNDS = {"v": VOWEL, "r": RIEUL, "c": CONSONANT}


def ending_sound(word: str) -> str | None:
    """How `word` ends when read aloud in Korean: VOWEL, RIEUL or CONSONANT, or None
    when its end cannot be read (no letter, digit or Hangul syllable there)."""
    text = word.rstrip().rstrip(CLOSERS).rstrip()
    if not text:
        return None
    last = text[-1]
    if HANGUL_FIRST <= ord(last) <= HANGUL_LAST:
        final = (ord(last) - HANGUL_FIRST) % 28
        return VOWEL if final == 0 else RIEUL if final == RIEUL_INDEX else CONSONANT
    if last == "%":  # 퍼센트
        return VOWEL
    if last.isascii() and last.isdigit():
        return _number_sound(re.search(r"[0-9.,]*$", text)[0])
    if last.isascii() and last.isalpha():
        return _latin_sound(re.search(r"[A-Za-z]*$", text)[0])
    return None


def _number_sound(digits: str) -> str:
    number = digits.replace(",", "")
    zeros = len(number) - len(number.rstrip("0"))
    if "." in number or zeros in (0, len(number)):
        return SOUNDS[DIGITS[number[-1]]]  # 7 칠, 0 영, 1.5 일 점 오: the last digit
    # A whole number ending in zeros ends with its place: 십, 백, 천, 만, 억, then 조.
    return VOWEL if 12 <= zeros < 16 else CONSONANT


def _latin_sound(letters: str) -> str:
    last = letters[-1]
    if last.isupper():  # an acronym (CKA, CoreDNS) is read letter by letter
        return SOUNDS[LETTERS.get(last.lower(), "v")]
    word = re.sub(r"(.)\1$", r"\1", letters.lower())  # app 앱, kill 킬
    if word.endswith("ng"):
        return CONSONANT  # string 스트링
    if len(word) > 2 and word[-1] == "e" and word[-2] not in SHORT_VOWELS:
        word = word[:-1]  # a silent e: volume 볼륨, role 롤, but node 노드
        if word[-1] not in "lmn":
            return VOWEL
    end = word[-1]
    if end == "l":
        return RIEUL  # kubectl 컨트롤
    if end in "mn" or word.endswith("ck"):
        return CONSONANT  # helm 헬름, stack 스택
    after_short_vowel = len(word) > 1 and word[-2] in SHORT_VOWELS
    if end in CLIPPED and after_short_vowel and (len(word) == 2 or word[-3] not in SHORT_VOWELS):
        return CONSONANT
    return VOWEL  # cluster 클러스터, pod 파드, test 테스트


def particle(word: str, marker: str) -> str:
    """The form of the particle pair `marker` ("을(를)", "(으)로", …) that follows `word`;
    the pair itself when the word cannot be read."""
    consonant_form, vowel_form = PAIRS[marker]
    sound = ending_sound(word)
    if sound is None:
        return marker
    if sound == VOWEL or (sound == RIEUL and marker == "(으)로"):
        return vowel_form
    return consonant_form


def resolve_particles(text: str) -> str:
    """`text` with every particle pair replaced by the form the word before it takes."""
    if "(" not in text:
        return text
    parts = []
    done = 0
    for match in MARKER.finditer(text):
        parts.append(text[done : match.start()])
        parts.append(particle("".join(parts), match.group()))
        done = match.end()
    parts.append(text[done:])
    return "".join(parts)
