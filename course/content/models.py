"""The lesson format: typed, immutable models shared by the loader, the
validator and `course schema`."""
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BibliographyEntry(Strict):
    text: Text = Field(description="The reference, in Markdown.")
    url: str | None = Field(default=None, pattern=r"^https?://")


class TextBlock(Strict):
    type: Literal["text"]
    id: Id
    body: Text = Field(description="Markdown.")


class ListBlock(Strict):
    type: Literal["list"]
    id: Id
    style: Literal["bullet", "numbered"] = "bullet"
    intro: str | None = Field(default=None, description="Markdown shown before the list.")
    items: tuple[Text, ...] = Field(min_length=1)


class DetailsBlock(Strict):
    """A "click to read" section, closed until the learner opens it."""

    type: Literal["details"]
    id: Id
    summary: Text
    body: Text


class LinkBlock(Strict):
    type: Literal["link"]
    id: Id
    url: str = Field(pattern=r"^https?://")
    label: Text
    description: str | None = None


class ImageBlock(Strict):
    type: Literal["image"]
    id: Id
    src: str = Field(pattern=r"^(https://\S+|[A-Za-z0-9_][A-Za-z0-9_./-]*)$")
    alt: Text
    caption: str | None = None

    @field_validator("src")
    @classmethod
    def _no_parent_paths(cls, value: str) -> str:
        if ".." in value.split("/"):
            raise ValueError("an image path may not go up a folder ('..')")
        return value


class Prompt(Strict):
    id: Id
    label: Text
    hint: str | None = None


class ReflectionBlock(Strict):
    type: Literal["reflection"]
    id: Id
    title: Text
    intro: str | None = None
    required: bool = True
    prompts: tuple[Prompt, ...] = Field(min_length=1)


class QuizBlock(Strict):
    type: Literal["quiz"]
    id: Id
    quiz: Id = Field(description="The id of a quiz in the module's quizzes/ folder.")
    required: bool = True


Block = Annotated[
    Union[TextBlock, ListBlock, DetailsBlock, LinkBlock, ImageBlock, ReflectionBlock, QuizBlock],
    Field(discriminator="type"),
]

ACTIVITY_TYPES = ("reflection", "quiz")


class Lesson(Strict):
    id: Id
    title: Text
    summary: Text
    minutes: int = Field(ge=1, le=600, description="Estimated study time in minutes.")
    status: Literal["published", "draft"] = "published"
    learning_outcomes: tuple[Text, ...] = Field(
        min_length=1, description="What the learner can do after the lesson: Markdown, one line each."
    )
    keywords: tuple[Text, ...] = ()
    translation_of: str | None = Field(
        default=None, description="Hash of the English file this file translates."
    )
    blocks: tuple[Block, ...] = Field(min_length=1)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def activities(self) -> tuple:
        return tuple(b for b in self.blocks if b.type in ACTIVITY_TYPES)

    @property
    def required_activities(self) -> tuple:
        return tuple(b for b in self.activities if b.required)


class Option(Strict):
    id: Id
    text: Text
    correct: bool = False
    feedback: str | None = None


class Question(Strict):
    id: Id
    type: Literal["single", "multiple", "text"]
    prompt: Text
    options: tuple[Option, ...] = ()
    explanation: str | None = None
    model_answer: str | None = None
    accepted_answers: tuple[Text, ...] = ()
    keywords: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _consistent(self):
        correct = [o for o in self.options if o.correct]
        if self.type in ("single", "multiple"):
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if self.type == "single" and len(correct) != 1:
                raise ValueError("a single-choice question needs exactly one correct option")
            if self.type == "multiple" and not correct:
                raise ValueError("a multiple-choice question needs at least one correct option")
        else:
            if self.options:
                raise ValueError("a text question has no options")
            if not (self.model_answer or "").strip():
                raise ValueError("a text question needs a model_answer")
        return self

    @property
    def self_assessed(self) -> bool:
        return self.type == "text" and not (self.accepted_answers or self.keywords)


class Quiz(Strict):
    id: Id
    title: Text
    intro: str | None = None
    pass_mark: int = Field(default=80, ge=0, le=100)
    translation_of: str | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class Module(Strict):
    id: Id
    title: Text
    summary: Text
    learning_outcomes: tuple[Text, ...] = Field(min_length=1)
    keywords: tuple[Text, ...] = ()
    bibliography: tuple[BibliographyEntry, ...] = ()
    lessons: tuple[Id, ...] = Field(min_length=1)
    final_quiz: Id
    translation_of: str | None = None


class CourseFile(Strict):
    id: Id
    title: Text
    summary: Text
    modules: tuple[Id, ...] = Field(min_length=1)
    translation_of: str | None = None
