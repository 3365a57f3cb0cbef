"""Charts drawn as SVG on the server (portal/charts.py): well-formed, accessible, to scale,
gaps for missing values, every label text."""

from decimal import Decimal

import pytest
from lxml import etree

from portal.charts import Point, Reference, Series, grouped_columns, horizontal_bars

SVG = "{http://www.w3.org/2000/svg}"
DISTRICTS = [
    Point("Quận ủy Đồ Sơn", Decimal("250.5"), "250,5"),
    Point("Quận ủy Ngô Quyền", Decimal("749.5"), "749,5"),
    Point("Quận ủy Hải An", None, "–"),
    Point("Quận ủy Lê Chân", 1000, "1.000"),
]
QUARTERS = [Point("Quý I", 250.5, "250,5"), Point("Quý II", None, "–"), Point("Quý III", 780.25)]


def parsed(markup: str) -> etree._Element:
    return etree.fromstring(markup.encode("utf-8"))  # raises on markup that is not XML


def points(svg) -> list[etree._Element]:
    return [g for g in svg.iter(f"{SVG}g") if "point" in g.get("class").split()]


def bar(point) -> etree._Element | None:
    return point.find(f"{SVG}rect[@class='bar']")


def drawn_texts(svg) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text")]


@pytest.fixture(params=["horizontal", "columns"])
def chart(request):
    if request.param == "horizontal":
        return horizontal_bars(DISTRICTS, title="Tổng thu", desc="Bốn quận", ident="c1")
    series = [Series("Ước thực hiện", QUARTERS)]
    return grouped_columns(series, title="Tổng thu", desc="Bốn quận", ident="c1")


def test_a_chart_is_an_accessible_image_with_its_title_and_description(chart):
    svg = parsed(chart)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg[0].tag == f"{SVG}title" and svg[0].text == "Tổng thu"  # the PDF's alternate text
    assert svg[1].tag == f"{SVG}desc" and svg[1].text == "Bốn quận"
    assert svg.get("aria-labelledby") == "c1-title" == svg[0].get("id")
    assert svg.get("aria-describedby") == "c1-desc" == svg[1].get("id")


def test_a_chart_scales_by_its_viewbox_alone(chart):
    svg = parsed(chart)
    assert svg.get("width") is None and svg.get("height") is None
    x, y, width, height = (float(v) for v in svg.get("viewBox").split())
    assert (x, y) == (0, 0) and 0 < width < 390 and height > 0


def test_a_chart_refuses_no_style_and_names_the_shipped_font(chart):
    svg = parsed(chart)
    assert all(element.get("style") is None for element in svg.iter())
    assert svg.get("font-family").startswith("Tinos")


def test_the_same_data_draws_the_same_markup():
    """The PDF's fingerprint is a digest of what it prints: a chart must not vary by itself."""
    first = horizontal_bars(DISTRICTS, title="Tổng thu", desc="Bốn quận")
    assert first == horizontal_bars(DISTRICTS, title="Tổng thu", desc="Bốn quận")
    other = horizontal_bars(DISTRICTS, title="Tổng chi", desc="Bốn quận")
    assert parsed(first).get("aria-labelledby") != parsed(other).get("aria-labelledby")


def test_horizontal_bars_are_as_long_as_their_values():
    svg = parsed(horizontal_bars(DISTRICTS, title="t", desc="d"))
    widths = {p.findtext(f"{SVG}title"): bar(p) for p in points(svg)}
    widths = {k: None if v is None else float(v.get("width")) for k, v in widths.items()}
    assert widths["Quận ủy Ngô Quyền: 749,5"] / widths["Quận ủy Đồ Sơn: 250,5"] == pytest.approx(
        749.5 / 250.5, rel=1e-3
    )
    assert widths["Quận ủy Lê Chân: 1.000"] / widths["Quận ủy Đồ Sơn: 250,5"] == pytest.approx(
        1000 / 250.5, rel=1e-3
    )
    starts = {float(bar(p).get("x")) for p in points(svg) if bar(p) is not None}
    assert starts == {0}  # every bar from zero
    assert "Quận ủy Ngô Quyền" in drawn_texts(svg) and "749,5" in drawn_texts(svg)


def test_columns_are_as_tall_as_their_values_and_share_one_baseline():
    svg = parsed(grouped_columns([Series("Ước", QUARTERS)], title="t", desc="d"))
    rects = [bar(p) for p in points(svg)]
    heights = [None if r is None else float(r.get("height")) for r in rects]
    assert heights[2] / heights[0] == pytest.approx(780.25 / 250.5, rel=1e-3)
    feet = {float(r.get("y")) + float(r.get("height")) for r in rects if r is not None}
    assert len(feet) == 1
    assert [t for t in drawn_texts(svg) if t.startswith("Quý")] == ["Quý I", "Quý II", "Quý III"]


def test_a_missing_value_is_a_gap_not_a_zero_bar(chart):
    svg = parsed(chart)
    gaps = [p for p in points(svg) if "gap" in p.get("class").split()]
    assert len(gaps) == 1
    assert bar(gaps[0]) is None
    assert [t.text for t in gaps[0].iter(f"{SVG}text") if t.text == "–"] == ["–"]
    assert all(bar(p) is not None for p in points(svg) if p not in gaps)


def test_a_value_without_text_is_drawn_without_a_label():
    svg = parsed(grouped_columns([Series("Ước", QUARTERS)], title="t", desc="d"))
    assert "780,25" not in "".join(svg.itertext())  # Quý III was given no text
    assert bar(points(svg)[2]) is not None


def test_labels_and_titles_stay_text():
    hostile = "<script>alert('x')</script> & \"co\""
    markup = horizontal_bars(
        [Point(hostile, 5, hostile), Point("b", 10, "10")],
        title=hostile,
        desc=hostile,
        reference=Reference(8, text=hostile),
    )
    assert "<script>" not in markup
    svg = parsed(markup)
    assert not list(svg.iter("script", f"{SVG}script"))
    assert svg.findtext(f"{SVG}title") == hostile
    assert hostile in drawn_texts(svg)  # the label and the value, drawn as they were given
    columns = parsed(grouped_columns([Series(hostile, [Point(hostile, 1)])], title="t", desc="d"))
    assert not list(columns.iter("script", f"{SVG}script"))


def test_a_long_label_is_shortened_where_drawn_and_kept_whole_in_its_tooltip():
    name = "Đảng ủy phường Hai Bà Trưng, Bạch Mai, Vĩnh Tuy và các xã, phường lân cận của thành phố"
    svg = parsed(horizontal_bars([Point(name, 3, "3")], title="t", desc="d"))
    label = drawn_texts(svg)[0]
    assert label.endswith("…") and name.startswith(label[:-1])
    assert points(svg)[0].findtext(f"{SVG}title") == f"{name}: 3"


def test_a_reference_is_a_dashed_line_or_a_band_named_in_the_legend():
    line = parsed(
        grouped_columns(
            [Series("Ước", QUARTERS)],
            title="t",
            desc="d",
            reference=Reference(Decimal(1000), text="Kế hoạch năm: 1.000"),
        )
    )
    references = line.findall(f".//{SVG}line[@class='reference']")
    assert len(references) == 1 and references[0].get("stroke-dasharray")
    assert line.find(f".//{SVG}rect[@class='reference-band']") is None
    assert "Kế hoạch năm: 1.000" in drawn_texts(line)
    # The plan is the tallest level drawn: the line lies above every column.
    tops = [float(bar(p).get("y")) for p in points(line) if bar(p) is not None]
    assert float(references[0].get("y1")) < min(tops)

    band = parsed(
        horizontal_bars(DISTRICTS, title="t", desc="d", reference=Reference(300, 500, "300 - 500"))
    )
    lines = band.findall(f".//{SVG}line[@class='reference']")
    xs = sorted(float(x.get("x1")) for x in lines)
    rect = band.find(f".//{SVG}rect[@class='reference-band']")
    assert float(rect.get("x")) == pytest.approx(xs[0])
    assert float(rect.get("width")) == pytest.approx(xs[1] - xs[0])
    widths = {p.findtext(f"{SVG}title"): bar(p) for p in points(band)}
    lechan = float(widths["Quận ủy Lê Chân: 1.000"].get("width"))
    assert xs[0] / lechan == pytest.approx(300 / 1000, rel=1e-3)


def test_negative_values_go_the_other_way_from_zero():
    svg = parsed(
        horizontal_bars([Point("a", -50, "-50"), Point("b", 100, "100")], title="t", desc="d")
    )
    a, b = (bar(p) for p in points(svg))
    zero = float(b.get("x"))
    assert float(a.get("x")) + float(a.get("width")) == pytest.approx(zero)
    assert float(a.get("width")) * 2 == pytest.approx(float(b.get("width")), rel=1e-3)


def test_grouped_columns_side_by_side_with_a_legend():
    on_time = Series("Đúng hạn", [Point("T1", 90, "90"), Point("T2", None)])
    late = Series("Quá hạn", [Point("T1", 10, "10"), Point("T2", 25, "25")])
    svg = parsed(grouped_columns([on_time, late], title="t", desc="d"))
    on_time_1, late_1, gap, late_2 = points(svg)  # by category, each series in turn
    assert bar(gap) is None
    lefts = [float(bar(p).get("x")) for p in (on_time_1, late_1, late_2)]
    assert lefts == sorted(lefts)
    assert bar(on_time_1).get("fill") != bar(late_1).get("fill") == bar(late_2).get("fill")
    assert {"Đúng hạn", "Quá hạn"} <= set(drawn_texts(svg))
    height = {p: float(bar(p).get("height")) for p in (on_time_1, late_1, late_2)}
    assert height[on_time_1] / height[late_1] == pytest.approx(9, rel=1e-3)
    assert height[late_2] / height[late_1] == pytest.approx(2.5, rel=1e-3)


def test_series_over_other_categories_are_refused():
    with pytest.raises(ValueError, match="same categories"):
        grouped_columns(
            [Series("a", [Point("T1", 1)]), Series("b", [Point("T2", 1)])], title="t", desc="d"
        )


def test_a_chart_without_values_is_still_drawn():
    svg = parsed(horizontal_bars([Point("a", None, "–")], title="t", desc="d"))
    assert bar(points(svg)[0]) is None
    assert parsed(grouped_columns([], title="t", desc="d")).get("role") == "img"
