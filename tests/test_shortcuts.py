"""The speed-ups that copy what a library does must give what the library
gives: each is compared here with the library's own path, so that an
upgrade that changes the library (Flask-Babel, Flask-WTF, WTForms, Jinja,
Python's email package) shows up as a failing test, not as a wrong page or
email. bench/findings.md lists what to re-check on such an upgrade.
"""
import email
import re
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import g, render_template, render_template_string
from flask_babel import force_locale
from hypothesis import HealthCheck, example, given, settings, strategies as st
from wtforms.i18n import messages_path

from course.i18n import LANGUAGES
from course.i18n_cli import TARGET_LANGUAGES, catalogues

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
#: A value for every placeholder: escaping must happen (or not) the same way.
VALUE = '<b>"Ö" & 5</b>'


def _messages() -> list:
    """Every message id of every catalogue of the app (singular, plural or None)."""
    found = {}
    for folder in catalogues():
        with (folder / "it" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            for message in read_po(fh):
                if message.id:
                    found[message.id if isinstance(message.id, str) else tuple(message.id)] = None
    return sorted(found, key=str)


def _template_items(messages):
    items = []
    for mid in messages:
        singular, plural = (mid, None) if isinstance(mid, str) else mid
        names = dict(PLACEHOLDER.findall(singular) + PLACEHOLDER.findall(plural or ""))  # name: s or d
        if plural:
            names.pop("num", None)  # ngettext fills it in
        items.append((singular, plural, {name: (3 if kind == "d" or name == "num" else VALUE)
                                         for name, kind in names.items()}))
    return items


#: Every message through `_` or `ngettext`, autoescaped and not.
TEMPLATE = """{% for singular, plural, values in items %}
{% if plural %}{% for n in (1, 2, 5, 22) %}{{ ngettext(singular, plural, n, **values) }}|{% endfor %}
{% else %}{{ _(singular, **values) }}{% endif %}
{% autoescape false %}{% if plural %}{{ ngettext(singular, plural, 2, **values) }}{% else %}{{ _(singular, **values) }}{% endif %}{% endautoescape %}
{% endfor %}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_render_translations_renders_every_message_as_flask_babel_does(app, lang):
    """i18n.render_translations (the templates' gettext, bound once per render)
    against Flask-Babel's own template callables (the Jinja globals it installs)."""
    items = _template_items(_messages())
    assert len(items) > 400
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        ours = render_template_string(TEMPLATE, items=items)  # with the app's context processors
        library = app.jinja_env.from_string(TEMPLATE).render(items=items)  # Flask-Babel's globals alone
    assert ours == library
    with app.test_request_context("/en/"), force_locale("en"):
        english = render_template_string(TEMPLATE, items=items)
    assert (ours == english) == (lang == "en")  # the catalogues are really in use


def _wtforms_ids(lang):
    catalogue = Translations.load(messages_path(), [lang], domain="wtforms")
    return catalogue, sorted({key if isinstance(key, str) else key[0] for key in catalogue._catalog if key})


@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_the_wtforms_catalogue_cache_translates_as_flask_wtf_does(app, lang):
    """forms.wtforms_catalogue (loaded once per language) against Flask-WTF's
    own translations (loaded from disk on each request)."""
    from flask_wtf.i18n import translations as flask_wtf_translations

    from course.forms import Form

    catalogue, ids = _wtforms_ids(lang)
    assert len(ids) > 20
    plurals = [key for key in catalogue._catalog if isinstance(key, tuple) and key[1] == 0]
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        ours = Form.Meta().get_translations(None)
        for mid in ids:
            assert ours.gettext(mid) == flask_wtf_translations.gettext(mid), mid
        for singular, _index in plurals:
            plural = catalogue._catalog.get((singular, 1))
            for n in (1, 2, 5, 22):
                assert ours.ngettext(singular, plural, n) == flask_wtf_translations.ngettext(singular, plural, n)
        assert ours.gettext("Not a valid choice.") != "Not a valid choice."


def _email_context(lang):
    step = SimpleNamespace(kind="lesson", title="Lesson <1> & \"one\"", module_title="Module Ö", minutes=12,
                           url="https://aula.example.org/it/modules/m/l?x=1&y=2")
    return dict(user=SimpleNamespace(name='Ada <b>&</b> "Lovelace"', lang=lang, email="ada@example.org"),
                status=SimpleNamespace(started=True, fraction=0.375), step=step,
                course_title="Customer service & <you>", course_url="https://aula.example.org/it/",
                settings_url="https://aula.example.org/it/reminders/",
                unsubscribe_url="https://aula.example.org/it/reminders/unsubscribe/abc?d=1&e=2",
                confirm_url="https://aula.example.org/it/confirm/token", profile_url="https://aula.example.org/it/profile",
                subject="Subject <&>")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", ["reminders/email/reminder.txt", "reminders/email/reminder.html",
                                      "auth/email/confirm.txt", "auth/email/confirm.html"])
def test_email_templates_render_as_flask_renders_them(app, lang, template):
    """mail.templating's per-language environments against Flask's own
    render_template under force_locale (the app's environment)."""
    from course.mail.templating import render

    context = _email_context(lang)
    with app.test_request_context("/"), force_locale(lang):
        ours = render(template, lang, **context)
        library = render_template(template, **context)
    assert ours == library
    if template.endswith(".html"):
        assert "Ada &lt;b&gt;&amp;&lt;/b&gt; &#34;Lovelace&#34;" in ours


HEADER_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=120)
BODY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)


def _line_ends(text: str) -> str:
    """A body as EmailMessage.set_content stores it: each line ended by "\\n"."""
    return (b"\n".join(text.encode("utf-8").splitlines()) + b"\n").decode("utf-8")


def _reference(subject, name, to_email, text, html, headers):
    """The same email the standard library's modern way: EmailMessage, policy.default."""
    msg = EmailMessage(policy=policy.default)
    msg.set_content(text)  # before the headers: it drops every Content-* header (Content-Language)
    msg.add_alternative(html, subtype="html")
    msg["Subject"] = " ".join(subject.split())
    msg["From"] = "Aula <no-reply@aula.example.org>"
    msg["To"] = Address(" ".join(name.split()), addr_spec=to_email)
    for key, value in headers.items():
        msg[key] = value
    return email.message_from_bytes(msg.as_bytes(), policy=policy.default)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=HEADER_TEXT, name=HEADER_TEXT, text=BODY_TEXT, html=BODY_TEXT)
# Found by Hypothesis: a name split over two encoded words read back with a space between them.
@example(subject="", name="000000000000000000 \u00a1\u00a1\u00a1\u00a1\u00a1\u00a1\u00a1\u00a1\u00a1\u0800\u0800\u0800",
         text="", html="")
@example(subject="Zo\u00eb", name="Zo\u00eb \u0141ukasiewicz", text="x", html="<p>x</p>")
def test_hand_built_mime_parses_as_the_email_message_way(subject, name, text, html):
    """mail.mime (compat32, headers written by hand) against EmailMessage with
    policy.default: parsed back with policy.default, headers and bodies agree."""
    from course.mail import mime

    headers = {"Date": "Mon, 26 Oct 2026 06:00:00 +0000", "Message-ID": "<1.2@aula.example.org>",
               "Auto-Submitted": "auto-generated", "Content-Language": "it",
               "List-Unsubscribe": "<https://aula.example.org/it/reminders/unsubscribe/" + "x" * 90 + ">",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    built = mime.build(subject=mime.encode_header("Subject", subject), sender="Aula <no-reply@aula.example.org>",
                       to=mime.address(name, "ada@example.org"), text=text, html=html, headers=headers)
    ours = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    reference = _reference(subject, name, "ada@example.org", text, html, headers)
    for header in ("Subject", "From", "Date", "Message-ID", "Auto-Submitted", "Content-Language",
                   "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version"):
        assert str(ours[header]) == str(reference[header]), header
    assert ours["To"].addresses == reference["To"].addresses
    assert ours.get_content_type() == reference.get_content_type() == "multipart/alternative"
    for kind in ("plain", "html"):
        ours_part, reference_part = ours.get_body((kind,)), reference.get_body((kind,))
        assert ours_part.get_content_type() == reference_part.get_content_type()
        # EmailMessage ends every line of a text body with one line end: so does ours, once parsed.
        assert _line_ends(ours_part.get_content()) == reference_part.get_content()
    for line in built.as_bytes().split(b"\n"):
        assert len(line) <= 998  # RFC 5322's hard limit


NAMES = ["Ada", 'Ada <b>&</b> "Lovelace"', "Zoë Łukasiewicz", "aula0123456789abcdef", "Bo  \t Smith"]


def test_the_mail_merge_gives_what_rendering_each_email_gives(app, make_user):
    """The reminders' mail merge (a body rendered once per variant, names and
    links filled in) against rendering each learner's email whole."""
    from flask import url_for
    from flask_babel import gettext as _

    from course.content import get_content
    from course.extensions import db
    from course.learn.progress import course_status
    from course.mail.compose import public_links, public_site
    from course.mail.templating import render
    from course.models import User, utcnow
    from course.reminders.emails import ReminderComposer, _Progress, next_step
    from course.reminders.tokens import unsubscribe_token

    ids = [make_user(email=f"p{n}@example.org", name=name, lang=LANGUAGES[n % 4]) for n, name in enumerate(NAMES)]
    with app.app_context():
        now = utcnow()
        with public_site():
            composer = ReminderComposer(now)
            for uid in ids:
                user = db.session.get(User, uid)
                merged = email.message_from_bytes(composer.message(user).as_bytes(), policy=policy.default)
                view = get_content().course(user.lang)
                status = course_status(view, user)
                with public_links(user.lang):
                    step = next_step(view, status, user.lang)
                    unsubscribe = url_for("reminders.unsubscribe", lang=user.lang, token=unsubscribe_token(user),
                                          _external=True)
                    context = dict(
                        user=SimpleNamespace(name=" ".join(user.name.split()), lang=user.lang),
                        status=_Progress(status.started, status.fraction), step=step,
                        course_title=view.course.title,
                        course_url=url_for("learn.home", lang=user.lang, _external=True),
                        settings_url=url_for("reminders.settings", lang=user.lang, _external=True),
                        unsubscribe_url=unsubscribe)
                    subject = _("Time to study: %(lesson)s", lesson=step.title)
                    text = render("reminders/email/reminder.txt", user.lang, **context)
                    html = render("reminders/email/reminder.html", user.lang, subject=subject, **context)
                assert merged["Subject"] == subject
                assert merged["List-Unsubscribe"] == f"<{unsubscribe}>"
                assert merged.get_body(("plain",)).get_content() == text
                assert merged.get_body(("html",)).get_content() == html


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _tokens(html: str) -> set[str]:
    return {a or b for a, b in CSRF.findall(html)}


def _page_tokens(client, url):
    return _tokens(client.get(url).get_data(as_text=True))


@pytest.mark.parametrize("time_limit", [None, 3600])
def test_the_kept_csrf_token_is_the_one_flask_wtf_signs_and_accepts(db_path, tmp_path, make_user, time_limit):
    """pagecache keeps a session's signed CSRF token in the process: it must be
    a token Flask-WTF accepts for that session, and only for it."""
    from flask_wtf.csrf import generate_csrf, validate_csrf
    from itsdangerous import URLSafeTimedSerializer

    from tests.conftest import make_app

    app = make_app(db_path, OUTBOX_DIR=str(tmp_path / "o"), WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=time_limit)
    make_user(email="ada@example.com")
    client = app.test_client()
    login = client.get("/en/login").get_data(as_text=True)
    (token,) = _tokens(login)
    client.post("/en/login", data={"email": "ada@example.com", "password": "correct horse battery",
                                   "csrf_token": token})
    url = "/en/modules/external-customers/customer-vs-consumer"
    first = _page_tokens(client, url)
    assert len(first) == 1
    kept = first.pop()
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    # The same raw token, signed as Flask-WTF signs it (the timestamp aside), and accepted.
    assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(kept) == raw
    with app.test_request_context():
        from flask import session
        session["csrf_token"] = raw
        validate_csrf(kept)
        assert generate_csrf().split(".")[0] == kept.split(".")[0]
    # A form of the page posts with it.
    done = client.post(url + "/complete", data={"action": "complete", "csrf_token": kept})
    assert done.status_code == 302
    # Another session has its own token, and the first session's is refused there.
    other = app.test_client()
    (other_login,) = _page_tokens(other, "/en/login")
    other.post("/en/login", data={"email": "ada@example.com", "password": "correct horse battery",
                                  "csrf_token": other_login})
    assert kept not in _page_tokens(other, url)
    assert other.post(url + "/complete", data={"action": "undo", "csrf_token": kept}).status_code == 400


def test_a_long_name_with_an_address_the_header_registry_refuses_is_still_written():
    """mail.mime.address falls back to encoded words when policy.default cannot parse the address."""
    from course.mail import mime

    written = mime.address("\u0142" * 80, "odd address@@example.org")
    assert written.endswith(" <odd address@@example.org>")
    decoded = email.message_from_string(f"Subject: {written.rsplit(' <', 1)[0]}\n\n", policy=policy.default)
    assert str(decoded["Subject"]) == "\u0142" * 80


# -- the session cookie: a checked cookie is kept (course/sessions.py) --------

SESSION_VALUES = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.one_of(st.text(max_size=40), st.integers(), st.booleans(), st.none(), st.lists(st.text(max_size=8), max_size=3),
              st.tuples(st.text(max_size=8), st.integers())),
    max_size=6)


def _flask_cookie(app, values) -> str:
    from flask.sessions import SecureCookieSessionInterface

    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(values)


def _opened(app, cookie):
    with app.test_request_context("/", headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}):
        from flask import request

        return app.session_interface.open_session(app, request)


def _flask_opened(app, cookie):
    from flask.sessions import SecureCookieSessionInterface

    with app.test_request_context("/", headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}):
        from flask import request

        return SecureCookieSessionInterface().open_session(app, request)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=SESSION_VALUES)
def test_a_kept_session_cookie_opens_as_flask_opens_it(app, values):
    cookie = _flask_cookie(app, values)
    first, again = _opened(app, cookie), _opened(app, cookie)  # checked, then kept
    assert dict(first) == dict(again) == dict(_flask_opened(app, cookie))
    assert again is not first and not again.modified
    again.setdefault("_flashes", []).append(("info", "x"))  # each request gets its own session
    assert dict(_opened(app, cookie)) == dict(_flask_opened(app, cookie))


def test_a_kept_session_cookie_still_expires_and_a_tampered_one_is_refused(app, monkeypatch):
    cookie = _flask_cookie(app, {"_user_id": "1:0", "csrf_token": "abc"})
    assert dict(_opened(app, cookie)) == {"_user_id": "1:0", "csrf_token": "abc"}
    payload, _sep, signature = cookie.rpartition(".")
    tampered = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert dict(_opened(app, tampered)) == {} == dict(_flask_opened(app, tampered))
    # Past the session lifetime the kept cookie is refused, as Flask refuses it.
    lifetime = app.permanent_session_lifetime.total_seconds()
    import time as time_module
    now = time_module.time()
    monkeypatch.setattr("time.time", lambda: now + lifetime + 5)
    assert dict(_flask_opened(app, cookie)) == {}
    assert dict(_opened(app, cookie)) == {}
    # A new secret key: the kept check does not count for it.
    monkeypatch.setattr("time.time", lambda: now)
    app.secret_key = app.config["SECRET_KEY"] = "another secret key, rotated"
    assert dict(_opened(app, cookie)) == {} == dict(_flask_opened(app, cookie))


# -- percentages: kept per language and value (course/learn/personal.py) ----

@pytest.mark.parametrize("lang", LANGUAGES)
def test_kept_percentages_are_what_flask_babel_formats(app, lang):
    from flask_babel import format_percent
    from markupsafe import escape

    from course.learn.personal import percent_text

    fractions = sorted({done / total for total in range(1, 41) for done in range(total + 1)})
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        for fraction in fractions:
            assert percent_text(fraction) == escape(format_percent(fraction)), (lang, fraction)
            assert percent_text(fraction) == escape(format_percent(fraction))  # and again, from the cache
