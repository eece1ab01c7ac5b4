"""A lesson as plain Markdown text, for the download."""
from ..content import LessonRef


def lesson_markdown(ref: LessonRef, module_title: str, labels: dict) -> str:
    """The lesson's whole text as Markdown (activities as their prompts)."""
    lesson = ref.lesson
    out = [f"# {lesson.title}", "", f"*{module_title}*", "", lesson.summary, ""]
    for block in lesson.blocks:
        if block.type == "text":
            out += [block.body.strip(), ""]
        elif block.type == "list":
            if block.intro:
                out += [block.intro.strip(), ""]
            for number, item in enumerate(block.items, start=1):
                out.append(f"{number}. {item}" if block.style == "numbered" else f"- {item}")
            out.append("")
        elif block.type == "details":
            out += [f"## {block.summary}", "", block.body.strip(), ""]
        elif block.type == "link":
            line = f"- [{block.label}]({block.url})"
            out += [line + (f": {block.description}" if block.description else ""), ""]
        elif block.type == "image":
            out += [f"![{block.alt}]({block.src})", ""]
            if block.caption:
                out += [f"*{block.caption}*", ""]
        elif block.type == "reflection":
            out += [f"## {labels['reflection']}: {block.title}", ""]
            if block.intro:
                out += [block.intro.strip(), ""]
            out += [f"- {prompt.label}" for prompt in block.prompts] + [""]
        elif block.type == "quiz":
            out += [f"## {labels['quiz']}", ""]
    return "\n".join(out).rstrip() + "\n"
