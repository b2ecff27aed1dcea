"""The public progress page in chromium, as an anonymous visitor: 404 until the province
publishes it, then its chosen parts, with headings, table captions, Open Graph tags and text
contrast of at least 4.5:1 (WCAG 2.1 AA) for every piece of text."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each visible text node's colour against the first opaque background behind it (WCAG's
# relative luminance); returns the ones below 4.5:1.
CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0.9) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el.offsetParent) continue;
    if (el.closest('.visually-hidden-focusable')) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(node.textContent.trim().slice(0, 40) + ' ' + ratio.toFixed(2));
  }
  return low;
}"""


def test_the_public_page_of_da_nang(new_page, live_server, demo_world):
    from indicators.models import Province
    from par_portal.cache import bump, province_scope
    from reporting.models import PublicPage

    province = Province.objects.get(code="da-nang-2025")
    page = new_page()
    # unpublished: not found (asked without navigating, which would log the 404 as an error)
    assert page.request.get(f"{live_server.url}/public/{province.code}/").status == 404
    PublicPage.objects.filter(province=province).update(is_published=True)
    bump([province_scope(province.pk)])  # committed at once: a transactional test
    response = page.goto(f"{live_server.url}/public/{province.code}/")
    assert response.status == 200
    assert page.locator("h1").inner_text().startswith("Tiến độ nâng cao Chỉ số CCHC")
    headings = page.locator("h2").all_inner_texts()
    assert len(headings) == 4, headings
    assert page.locator("caption").count() >= 1
    og = page.locator('meta[property="og:title"]').get_attribute("content")
    assert og and "Đà Nẵng" in og
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.evaluate(CONTRAST) == []
    screenshot(page, "public-page")
