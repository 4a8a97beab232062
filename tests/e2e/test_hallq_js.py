"""hallq.js, the module every page shares, in headless Chromium on a made-up origin whose API
answers are scripted with Playwright routes: texts (Chinese fallback, placeholders, escaping),
one storage key per role with the old keys moved, and every failure of the API client as the
one error object. The pages' own e2e tests show it in use."""

import json
from pathlib import Path

import pytest

HALLQ_JS = Path(__file__).resolve().parents[2] / "queue_server" / "web" / "static" / "hallq.js"
ORIGIN = "http://hallq.test"


def _answer(route):
    path = route.request.url.removeprefix(ORIGIN)
    if path == "/":
        return route.fulfill(content_type="text/html",
                             body="<!doctype html><html><body><p id='x' hidden></p></body></html>")
    if path == "/api/v1/refused":
        return route.fulfill(status=409, content_type="application/json", body=json.dumps(
            {"error": {"code": "window_busy", "message": "busy", "details": {"current": None}}}))
    if path == "/api/v1/broken":
        return route.fulfill(status=502, content_type="text/html", body="<h1>Bad gateway</h1>")
    if path == "/api/v1/expired":
        return route.fulfill(status=401, content_type="application/json", body=json.dumps(
            {"error": {"code": "unauthenticated", "message": "expired"}}))
    if path == "/api/v1/echo":
        return route.fulfill(content_type="application/json", body=json.dumps(
            {"authorization": route.request.headers.get("authorization"),
             "body": route.request.post_data}))
    return route.abort()  # anything else: the network is down


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    context.route(ORIGIN + "/**", _answer)
    page = context.new_page()
    page.goto(ORIGIN + "/")
    page.add_script_tag(path=str(HALLQ_JS))
    yield page
    context.close()


def test_a_phrase_falls_back_to_chinese_then_to_its_id(page):
    found = page.evaluate("""() => {
        Hallq.texts.add({zh: {hi: '你好 {name}', only_zh: '仅中文', errors: {busy: '忙'}},
                         en: {hi: 'Hello {name}', empty: ''}});
        Hallq.setLanguage('en');
        return [Hallq.t('hi', {name: 'Li'}), Hallq.t('only_zh'), Hallq.t('errors.busy'),
                Hallq.t('missing'), Hallq.t('empty'), Hallq.t('hi', {}),
                Hallq.translate('zh_CN', 'hi', {name: '李'})];
    }""")
    assert found == ["Hello Li", "仅中文", "忙", "missing", "", "Hello ", "你好 李"]


def test_escaping_covers_the_five_html_characters(page):
    assert page.evaluate("Hallq.esc(`<a href=\"x\">'&'</a>`)") == \
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"


def test_each_role_has_one_key_and_the_old_keys_move(page):
    found = page.evaluate("""() => {
        sessionStorage.setItem('hallq.counter',
                               JSON.stringify({token: 's1', hall: 'H', window: 2}));
        sessionStorage.setItem('hallq.token', 'm1');
        localStorage.setItem('hallq.kiosk.token.H', 'k1');
        const got = [Hallq.tokens.get('staff'), Hallq.tokens.get('manager'),
                     Hallq.tokens.get('kiosk', 'H'), Hallq.tokens.get('display', 'H')];
        return {got, keys: [Object.keys(sessionStorage).sort(), Object.keys(localStorage)],
                place: JSON.parse(sessionStorage.getItem('hallq.staff.place'))};
    }""")
    assert found == {"got": ["s1", "m1", "k1", None],
                     "keys": [["hallq.staff.place", "hallq.token.manager", "hallq.token.staff"],
                              ["hallq.token.kiosk.H"]],
                     "place": {"hall": "H", "window": 2}}


def test_the_client_sends_the_roles_token_and_json(page):
    answer = page.evaluate("""async () => {
        Hallq.tokens.set('staff', null, 'tok');
        return Hallq.client('staff').request('POST', '/echo', {a: 1});
    }""")
    assert answer == {"authorization": "Bearer tok", "body": '{"a":1}'}


def test_every_failure_is_one_error_object(page):
    errors = page.evaluate("""async () => {
        const seen = [];
        const client = Hallq.client('staff', {onUnauthenticated: (e) => seen.push(e.code)});
        const out = [];
        for (const path of ['/refused', '/broken', '/expired', '/offline']) {
            try { await client.request('GET', path); out.push('answered'); }
            catch (error) { out.push([error.code, error.status, error.details]); }
        }
        return {out, seen};
    }""")
    assert errors == {"out": [["window_busy", 409, {"current": None}],
                              ["internal_error", 502, {}],
                              ["unauthenticated", 401, {}],
                              ["network", 0, {}]],
                      "seen": ["unauthenticated"]}


def test_el_builds_nodes_from_a_class_or_attributes(page):
    html = page.evaluate("""() => [
        Hallq.el('td', 'name', 'A<1>').outerHTML,
        Hallq.el('tr', {'data-service': 'A', class: 'row'}, Hallq.el('td', null, 0),
                 null).outerHTML]""")
    assert html == ['<td class="name">A&lt;1&gt;</td>',
                    '<tr data-service="A" class="row"><td>0</td></tr>']


def test_show_hides_an_empty_message(page):
    assert page.evaluate("""() => {
        const node = Hallq.byId('x');
        Hallq.show(node, 'oops'); const shown = [node.hidden, node.textContent];
        Hallq.show(node, ''); return [shown, [node.hidden, node.textContent]];
    }""") == [[False, "oops"], [True, ""]]
