"""Quizzes for the quiz tests, and a small HTML reader for the pages learners see."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import cycle, islice

from django.conf import settings
from django.test import Client

from lessons.models import Choice, Lesson, Question, Quiz
from lessons.quizzes.scoring import choice_token

# One question of each kind. Texts are unique so that a page can be searched for them.
QUESTIONS = {
    "single": {
        "prompt": "파드를 만드는 `kubectl` 명령은?",
        "choices": [
            ("kubectl run", True),
            ("kubectl make", False),
            ("kubectl spawn", False),
            ("kubectl boot", False),
        ],
        "explanation": "파드 하나는 run 하위 명령으로 바로 만든다.",
    },
    "multiple": {
        "prompt": "파드 안에 들어 있는 것을 모두 고르시오.",
        "choices": [
            ("컨테이너", True),
            ("볼륨", True),
            ("노드", False),
            ("컨트롤 플레인", False),
        ],
        "explanation": "파드는 컨테이너들과 그들이 함께 쓰는 저장 공간을 묶는다.",
    },
    "true_false": {
        "prompt": "파드는 쿠버네티스에서 배포할 수 있는 가장 작은 단위다.",
        "choices": [("참", True), ("거짓", False)],
        "explanation": "파드보다 작은 배포 단위는 없다.",
    },
    "short": {
        "prompt": "클러스터 안에서 서비스 이름을 IP로 풀어 주는 서버의 이름은?",
        "accepted_answers": "CoreDNS\n코어 DNS",
        "explanation": "kubeadm은 이 서버를 kube-system 네임스페이스에 배포한다.",
    },
}
KINDS = list(QUESTIONS)
# What a learner who gets a question wrong typically answers.
WRONG = {
    "single": ["kubectl make"],
    "multiple": ["컨테이너"],
    "true_false": ["거짓"],
    "short": "kube-dns",
}


def add_question(quiz: Quiz, kind: str, position: int, section: str = "", **extra) -> Question:
    spec = QUESTIONS[kind]
    question = Question.objects.create(
        quiz=quiz,
        kind=kind,
        prompt=spec["prompt"],
        explanation=spec["explanation"],
        accepted_answers=spec.get("accepted_answers", ""),
        section=section,
        position=position,
        **extra,
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=correct, position=number)
        for number, (text, correct) in enumerate(spec.get("choices", []), start=1)
    )
    return question


def make_quiz(lesson: Lesson, count: int, **quiz_fields) -> tuple[Quiz, list[Question]]:
    """A quiz of `count` questions, cycling through single, multiple, short, true/false."""
    quiz = Quiz.objects.create(lesson=lesson, **quiz_fields)
    kinds = islice(cycle(["single", "multiple", "short", "true_false"]), count)
    return quiz, [add_question(quiz, kind, n) for n, kind in enumerate(kinds, start=1)]


@dataclass
class EveryKindQuiz:
    quiz: Quiz
    questions: dict[str, Question]

    @property
    def lesson(self) -> Lesson:
        return self.quiz.lesson

    def answers(self, **given) -> dict[str, list[str]]:
        """Post fields answering every question right, except the kinds named: pass
        choice texts for choice questions (`single=["kubectl make"]`), text for short."""
        return answer_fields(self.questions.values(), given)

    def wrong(self, *kinds: str) -> dict[str, list[str]]:
        return self.answers(**{kind: WRONG[kind] for kind in kinds})


def make_every_kind_quiz(lesson: Lesson, **quiz_fields) -> EveryKindQuiz:
    """Single, multiple, true/false and short, in that order, each tied to a section."""
    quiz = Quiz.objects.create(lesson=lesson, **quiz_fields)
    sections = [entry["id"] for entry in lesson.toc]
    questions = {
        kind: add_question(quiz, kind, number, section=sections[number % len(sections)])
        for number, kind in enumerate(KINDS, start=1)
    }
    return EveryKindQuiz(quiz, questions)


def right_answer(question: Question) -> list[str] | str:
    if question.kind == Question.Kind.SHORT:
        return question.accepted_answer_list()[0]
    return [choice.text for choice in question.choices.all() if choice.is_correct]


def answer_fields(questions, given: dict | None = None) -> dict[str, list[str]]:
    """Post fields `q<id>` for `questions`: right answers, or the ones `given` per kind."""
    given = given or {}
    fields = {}
    for question in questions:
        answer = given.get(question.kind, right_answer(question))
        if question.kind == Question.Kind.SHORT:
            fields[f"q{question.id}"] = [answer]
        else:
            by_text = {choice.text: choice.id for choice in question.choices.all()}
            fields[f"q{question.id}"] = [str(by_text[text]) for text in answer]
    return fields


def with_token(token: str, fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """`fields` as the form with `token` posts them: `answer_fields` names choices by id,
    and a form posts each choice as its opaque token for that form instead."""
    ids = {v for values in fields.values() for v in values if isinstance(v, str) and v.isdigit()}
    question_of = dict(
        Choice.objects.filter(pk__in=[int(v) for v in ids]).values_list("pk", "question_id")
    )

    def value(key: str, v):
        if isinstance(v, str) and v.isdigit() and key == f"q{question_of.get(int(v))}":
            return choice_token(token, int(v))
        return v

    posted = {"form_token": token}
    for key, values in fields.items():
        posted[key] = [value(key, v) for v in values] if isinstance(values, list) else values
    return posted


def in_english(client: Client) -> Client:
    """The quiz messages are asserted in English, whatever the default language becomes."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, class_: str | None = None, **attrs):
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.classes)
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, **kwargs) -> "Element":
        found = self.find_all(tag, **kwargs)
        assert found, f"no <{tag}> {kwargs} in the page"
        return found[0]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text if isinstance(child, Element) else child)
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data) -> None:
        self.stack[-1].children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def form_fields(form: Element) -> dict[str, list[str]]:
    """What a browser would post for `form` as it stands, submit buttons aside."""
    fields: dict[str, list[str]] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in element.attrs:
                continue
            default = "on" if kind in ("checkbox", "radio") else ""
            fields.setdefault(name, []).append(element.attrs.get("value", default))
        elif element.tag == "textarea":
            value = "".join(c for c in element.children if isinstance(c, str))
            fields.setdefault(name, []).append(value.removeprefix("\r\n").removeprefix("\n"))
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            fields.setdefault(name, []).extend(o.attrs.get("value", o.text) for o in chosen)
    return fields


def form_token(html: str | bytes) -> str:
    return parse(html).find("input", name="form_token").attrs["value"]


def choice_labels(page: Element, question: Question) -> list[str]:
    """The choices of `question` in the order the page shows them."""
    return [
        label.text
        for label in page.find_all("label", class_="choice")
        if label.find_all("input", name=f"q{question.id}")
    ]


def answer_items(html: str | bytes) -> list[Element]:
    """The scored answers on a result page, one `li.answer` per question, in order."""
    return parse(html).find_all("li", class_="answer")
