"""The HTML view in a real browser: Debian's Chromium driven through Selenium.

The page is built from a small graph of dated articles, opened from a file://
address with the network switched off, and used as a person would: the counts
on screen, a click on an entity, a click on a relation to read its evidence,
search, filters. A screenshot goes to test-artifacts/graph.png.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

import kg
from kg.model import Document
from tests.conftest import NEWS_TEXTS, ROOT

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
DATES = {"moscow-summit": "2026-03-02", "osce-warning": "2026-03-09"}
OSCE = "Organization for Security and Co-operation in Europe"


def _browser_missing() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    return ", ".join(missing) or None


@pytest.fixture(scope="module")
def driver():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests, but {missing} is missing (.ci/run installs chromium and chromium-driver)")
        pytest.skip(f"no browser for the view tests: {missing} missing (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run", "--window-size=1400,900", f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def graph():
    documents = [
        Document(id=doc_id, text=text, title=text.partition("\n")[0], date=DATES[doc_id], url=f"https://example.com/{doc_id}")
        for doc_id, text in NEWS_TEXTS.items()
    ]
    return kg.build(documents)


@pytest.fixture(scope="module")
def page_path(graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("view") / "graph.html"
    graph.to_html(path, title="Test graph")
    return path


@pytest.fixture
def page(driver, page_path):
    """The page, freshly loaded, with the browser log emptied."""
    driver.get(page_path.as_uri())
    _wait(driver, "return document.body.dataset.ready === 'true'")
    yield driver
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe


def _wait(driver, script: str, *args, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def _status(driver) -> dict[str, int]:
    return {k: int(v) for k, v in driver.execute_script("return {...document.getElementById('status').dataset}").items()}


def _edge_id(driver, source: str, relation: str, target: str) -> str:
    return driver.execute_script(
        "const [s, r, t] = arguments; const label = (id) => kgView.cy.getElementById(id).data('label');"
        "return kgView.cy.edges().filter((e) => e.data('relation') === r && label(e.data('source')) === s"
        " && label(e.data('target')) === t)[0].id();",
        source, relation, target,
    )


def test_page_loads_without_errors_and_draws_the_whole_graph(page, graph):
    network = graph.to_networkx()
    distinct = {(u, d["relation"], v, d["modality"]) for u, v, d in network.edges(data=True)}
    status = _status(page)
    assert status["nodes"] == network.number_of_nodes()
    assert status["statements"] == network.number_of_edges()
    assert status["edges"] == len(distinct)
    assert (status["visibleNodes"], status["visibleEdges"]) == (status["nodes"], status["edges"])
    counted = page.execute_script("return [kgView.cy.nodes().length, kgView.cy.edges().length]")
    assert counted == [status["nodes"], status["edges"]]
    text = page.find_element("id", "status").text
    assert f"{status['nodes']} entities" in text and f"{status['statements']} pieces of evidence" in text
    assert page.title == "Test graph"


def test_page_uses_no_network(page):
    resources = page.execute_script("return performance.getEntriesByType('resource').map((r) => r.name)")
    assert resources == []


def test_clicking_a_relation_shows_its_evidence_with_the_entity_words_marked(page):
    edge = _edge_id(page, "Vladimir Putin", "leaderOf", "Russia")
    page.execute_script("kgView.cy.getElementById(arguments[0]).emit('tap')", edge)
    details = page.find_element("id", "details")
    sentence = details.find_element("css selector", ".evidence .sentence")
    assert sentence.text == "Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday."
    assert sentence.find_element("css selector", "mark.source").text == "Vladimir Putin"
    assert sentence.find_element("css selector", "mark.target").text == "Russian"
    meta = details.find_element("css selector", ".evidence .meta").text
    assert "Putin hosts Xi in Moscow" in meta and "moscow-summit" in meta and "2026-03-02" in meta
    link = details.find_element("css selector", ".evidence .meta a")
    assert link.get_attribute("href") == "https://example.com/moscow-summit"
    assert page.execute_script("return kgView.cy.getElementById(arguments[0]).selected()", edge)


def test_a_relation_stated_twice_lists_both_pieces_of_evidence(page):
    edge = _edge_id(page, OSCE, "warns", "Russia")
    page.execute_script("kgView.cy.getElementById(arguments[0]).emit('tap')", edge)
    items = page.find_elements("css selector", "#details .evidence-item")
    assert len(items) == 2
    assert {item.find_element("css selector", "mark.source").text for item in items} == {"OSCE"}


def test_a_mouse_click_on_an_entity_shows_its_names_identifiers_and_relations(page):
    from selenium.webdriver.common.action_chains import ActionChains

    # Where Cytoscape drew Russia, relative to the graph's container: click there.
    x, y = page.execute_script(
        "const n = kgView.cy.nodes().filter((n) => n.data('label') === 'Russia')[0];"
        "kgView.cy.center(n); const p = n.renderedPosition(); return [p.x, p.y];"
    )
    container = page.find_element("id", "graph")
    size = container.size
    ActionChains(page).move_to_element_with_offset(container, x - size["width"] / 2, y - size["height"] / 2).click().perform()
    _wait(page, "return document.querySelector('#details .node-title') !== null")
    details = page.find_element("id", "details")
    assert details.find_element("css selector", ".node-title").text == "Russia"
    assert "RU / RUS" in details.text and "Russian" in details.text
    wikidata = details.find_element("link text", "Q159")
    assert wikidata.get_attribute("href") == "https://www.wikidata.org/wiki/Q159"
    relations = details.find_element("css selector", ".relations").text
    assert "Vladimir Putin leaderOf →" in relations and "intervenesIn → Belarus" in relations


def test_search_filters_the_entities(page):
    before = _status(page)
    page.find_element("id", "search").send_keys("putin")
    _wait(page, "return document.getElementById('status').dataset.matches === '1'")
    after = _status(page)
    assert after["visibleNodes"] < before["visibleNodes"]
    shown = page.execute_script("return kgView.cy.nodes().not('.hidden').map((n) => n.data('label')).sort()")
    # Putin and the entities he is related to.
    assert shown == ["Russia", "Vladimir Putin", "Xi Jinping"]
    assert "Showing 3 of" in page.find_element("id", "status").text


def test_search_matches_aliases(page):
    page.execute_script("kgView.search('osce')")
    assert _status(page)["matches"] == 1
    page.execute_script("kgView.search('')")
    assert _status(page)["visibleNodes"] == _status(page)["nodes"]


def _shown_labels(driver) -> set[str]:
    return set(driver.execute_script("return kgView.cy.nodes().not('.hidden').map((n) => n.data('label'))"))


def _shown_relations(driver) -> set[str]:
    return set(driver.execute_script("return kgView.cy.edges().not('.hidden').map((e) => e.data('relation'))"))


def test_entity_type_filter_hides_that_type(page):
    page.find_element("id", "type-Person").click()
    shown = _shown_labels(page)
    assert "Vladimir Putin" not in shown and "Xi Jinping" not in shown and "Russia" in shown
    assert "leaderOf" not in _shown_relations(page)


def test_relation_filter_keeps_the_entities_it_connects(page):
    page.find_element("id", "relations-none").click()
    assert _status(page)["visibleNodes"] == 0
    page.find_element("id", "relation-warns").click()
    assert _shown_labels(page) == {OSCE, "Russia"}
    assert _shown_relations(page) == {"warns"}


def test_modality_filter_hides_hypothetical_relations(page):
    assert "intervenesIn" in _shown_relations(page)
    page.find_element("id", "modality-hypothetical").click()
    assert "intervenesIn" not in _shown_relations(page)
    assert "Belarus" not in _shown_labels(page)


def _relations_in(graph, document: str) -> set[str]:
    return {d["relation"] for _, _, d in graph.to_networkx().edges(data=True) if d["document"] == document}


def test_document_filter_shows_one_document(page, graph):
    from selenium.webdriver.support.select import Select

    Select(page.find_element("id", "filter-document")).select_by_visible_text(
        "2026-03-09 · OSCE warns Russia (osce-warning)")
    assert _shown_relations(page) == _relations_in(graph, "osce-warning") >= {"warns", "basedIn", "intervenesIn"}
    assert "Vladimir Putin" not in _shown_labels(page)


def test_date_filter_keeps_documents_in_the_range(page, graph):
    page.execute_script(
        "const input = document.getElementById('date-to'); input.value = '2026-03-05';"
        "input.dispatchEvent(new Event('change'));"
    )
    assert _shown_relations(page) == _relations_in(graph, "moscow-summit") >= {"leaderOf", "meetsWith"}
    page.find_element("id", "reset").click()
    assert _status(page)["visibleEdges"] == _status(page)["edges"]


def test_screenshot(page):
    """A picture of the page with a relation selected, for people to look at."""
    edge = _edge_id(page, OSCE, "warns", "Russia")
    page.execute_script("kgView.cy.getElementById(arguments[0]).emit('tap')", edge)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "graph.png"
    assert page.save_screenshot(str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_large_graph_loads_and_searches(driver, tmp_path):
    """Past 1,500 entities the page labels relations for the selection only; it must still
    draw everything, search (accents ignored) and show evidence."""
    from kg.model import Entity, EntityType, Evidence, Extraction, Modality, Relation
    from tests.test_view import synthetic_graph

    graph = synthetic_graph(stars=[500, 400, 300] + [1] * 100, alone=200)
    vucic = Entity("person:aleksandar vucic", "Aleksandar Vučić", EntityType.PERSON)
    dan = Entity("person:nicusor dan", "Nicușor Dan", EntityType.PERSON)
    sentence = "Aleksandar Vučić met Nicușor Dan in Belgrade."
    evidence = Evidence("belgrade", sentence, 0, len(sentence), (0, 16), (21, 32))
    meeting = Relation(vucic.key, "meetsWith", dan.key, Modality.ASSERTED, 0.9, "test", evidence)
    graph.add(Extraction(Document("belgrade", sentence), (vucic, dan), (meeting,)))
    path = tmp_path / "large.html"
    graph.to_html(path)
    driver.get(path.as_uri())
    _wait(driver, "return document.body.dataset.ready === 'true'", timeout=60)
    status = _status(driver)
    assert status["nodes"] == graph.to_networkx().number_of_nodes() > 1500
    assert status["statements"] == graph.to_networkx().number_of_edges()
    assert driver.execute_script("return kgView.cy.edges()[0].style('label')") == ""
    driver.execute_script("kgView.search('vucic')")
    assert _status(driver)["matches"] == 1
    assert _shown_labels(driver) == {"Aleksandar Vučić", "Nicușor Dan"}
    edge = _edge_id(driver, "Aleksandar Vučić", "meetsWith", "Nicușor Dan")
    driver.execute_script("kgView.cy.getElementById(arguments[0]).emit('tap')", edge)
    assert driver.execute_script("return kgView.cy.getElementById(arguments[0]).style('label')", edge) == "meetsWith"
    marks = driver.find_elements("css selector", "#details .sentence mark")
    assert [m.text for m in marks] == ["Aleksandar Vučić", "Nicușor Dan"]
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
