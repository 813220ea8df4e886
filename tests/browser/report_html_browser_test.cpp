// report.html in a real browser: Debian's Chromium, headless, opens the page of a small real run
// (browser-drill.yaml beside this file) from a local file and
//   - from the DOM after layout (--dump-dom of a copy with a measuring script added at the end):
//     the four charts are SVG elements with a size, every series the run has is drawn by a
//     visible element inside its plot area, lines have length, queue depth lines and fault bars
//     sit exactly where their data puts them, and no chart label runs out of its chart;
//   - from screenshots (--screenshot): the page renders to a PNG of the window's size, and hiding
//     the data elements changes its pixels (so they are painted);
// and opens hand-made pages: one whose only series is a single lone sample, whose colour must
// show in the screenshot's plot (decoded with zlib), and one with long ids, reasons and paths,
// which must be no wider than a 1024 px window.
//
// Chromium comes from the Debian package chromium (/usr/bin/chromium), which
// scripts/install-test-deps installs and `make test` runs; without it every test here fails,
// saying so. SYNCDRILL_CHROMIUM overrides the binary. No network: the page is a file and the
// browser runs with background networking off and every host name unresolvable.
// SYNCDRILL_BROWSER_KEEP=1 keeps the pages and screenshots (the path is printed).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "core/engine/time.hpp"
#include "core/scenario/loader.hpp"
#include "reports/report_html.hpp"
#include "sim/score/detection.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int kWindowWidth = 1280;
constexpr int kNarrowWidth = 1024;   // a laptop's window: no table may widen the page past it
constexpr int kWindowHeight = 4000;  // tall enough for the whole page, charts included

// ---- The run ------------------------------------------------------------------------------------

struct Run {
  Scenario scenario;
  WorldResult result;
  Score score;
  std::string page;
};

const Run& run() {
  static const Run r = [] {
    Run out;
    const std::string path =
        std::string(SYNCDRILL_SOURCE_DIR) + "/tests/browser/browser-drill.yaml";
    LoadResult loaded = load_scenario_file(path);
    if (!loaded.ok()) FAIL(format_diagnostic(loaded.errors.front()));
    out.scenario = *loaded.scenario;
    out.result = run_world(out.scenario, out.scenario.seed);
    out.score = score_run(out.scenario, out.result);
    out.page = report_html(out.scenario,
                           RunIdentity{"tests/browser/browser-drill.yaml", "", out.scenario.seed},
                           out.result, out.score);
    return out;
  }();
  return r;
}

// ---- Files and processes ------------------------------------------------------------------------

// A fresh folder, removed at the end unless SYNCDRILL_BROWSER_KEEP is set.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "syncdrill-browser-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    const char* keep = std::getenv("SYNCDRILL_BROWSER_KEEP");
    if (keep != nullptr && *keep != '\0' && std::string(keep) != "0") {
      std::fprintf(stderr, "browser test files kept in %s\n", path.c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool executable(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// The Chromium binary, or a failed test saying how to get one.
std::string chromium() {
  if (const char* env = std::getenv("SYNCDRILL_CHROMIUM"); env != nullptr && *env != '\0') {
    if (!executable(env))
      FAIL("SYNCDRILL_CHROMIUM=", std::string(env), " is not an executable file");
    return env;
  }
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (executable(p)) return p;
  }
  FAIL(
      "Chromium not found (/usr/bin/chromium): this test opens report.html in headless Chromium. "
      "Install the Debian package chromium: scripts/install-test-deps does (make test runs it).");
  return "";
}

struct Browser {
  int status = -1;
  std::string out;  // standard output
  std::string log;  // standard error
};

// Runs headless Chromium on a local file with `args` (--dump-dom, --screenshot=...), in a new
// profile, with no network, for at most a minute, in a window `width` px wide.
Browser run_chromium(const TempDir& dir, const fs::path& page, const std::string& args,
                     int width = kWindowWidth) {
  static int n = 0;
  ++n;
  const fs::path profile = dir.path / fmt::format("profile-{}", n);
  const fs::path out = dir.path / fmt::format("chromium-{}.out", n);
  const fs::path err = dir.path / fmt::format("chromium-{}.err", n);
  fs::create_directories(profile);
  const std::string command = fmt::format(
      "timeout -k 5 60 {} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--disable-extensions --disable-default-apps --mute-audio --hide-scrollbars "
      "--force-device-scale-factor=1 --host-resolver-rules={} --user-data-dir={} "
      "--window-size={},{} {} {} >{} 2>{} </dev/null",
      quoted(chromium()), quoted("MAP * ~NOTFOUND"), quoted(profile.string()), width, kWindowHeight,
      args, quoted("file://" + page.string()), quoted(out.string()), quoted(err.string()));
  Browser b;
  const int raw = std::system(command.c_str());
  b.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  b.out = read_file(out);
  b.log = read_file(err);
  return b;
}

// ---- The measuring script -----------------------------------------------------------------------

// Added before </body> of a copy of the page (report.html itself has no script): it reads the
// laid-out geometry and computed style of every chart and data element and leaves them as JSON in
// <pre id="syncdrill-measurements">, which --dump-dom prints with the rest of the DOM.
constexpr const char* kMeasure = R"(<script>
(function () {
  var root = document.documentElement;
  var out = {charts: [], marks: [], labels: [], tables: [],
             page: {scroll_width: root.scrollWidth, body_scroll_width: document.body.scrollWidth,
                    window_width: window.innerWidth}};
  var svgs = document.querySelectorAll('svg.chart');
  for (var i = 0; i < svgs.length; i++) {
    var svg = svgs[i];
    var r = svg.getBoundingClientRect();
    var p = svg.querySelector('.plot-area').getBBox();
    var pr = svg.querySelector('.plot-area').getBoundingClientRect();
    out.charts.push({chart: svg.getAttribute('data-chart'), ns: svg.namespaceURI,
                     title: svg.querySelector('title').textContent, width: r.width,
                     height: r.height, plot: [p.x, p.y, p.width, p.height],
                     plot_on_page: [pr.left + window.scrollX, pr.top + window.scrollY, pr.width,
                                    pr.height],
                     view_width: svg.viewBox.baseVal.width,
                     y_max: Number(svg.getAttribute('data-y-max') || 0),
                     y_scale: svg.getAttribute('data-y-scale') || '',
                     y_linear: Number(svg.getAttribute('data-y-linear') || 0),
                     x_end_s: Number(svg.getAttribute('data-x-end-s') || 0)});
  }
  var els = document.querySelectorAll('svg.chart [data-series]');
  for (var k = 0; k < els.length; k++) {
    var el = els[k];
    var b = el.getBBox();
    var cs = getComputedStyle(el);
    out.marks.push({chart: el.ownerSVGElement.getAttribute('data-chart'),
                    series: el.getAttribute('data-series'), tag: el.localName,
                    cls: el.getAttribute('class'),
                    points: Number(el.getAttribute('data-points') || 0),
                    length: el.localName === 'path' ? el.getTotalLength() : 0,
                    box: [b.x, b.y, b.width, b.height], stroke: cs.stroke, fill: cs.fill,
                    visible: cs.visibility === 'visible' && cs.display !== 'none' &&
                             Number(cs.opacity) > 0});
  }
  var texts = document.querySelectorAll('svg.chart text');
  for (var t = 0; t < texts.length; t++) {
    var tb = texts[t].getBBox();
    var title = texts[t].querySelector('title');
    out.labels.push({chart: texts[t].ownerSVGElement.getAttribute('data-chart'),
                     cls: texts[t].getAttribute('class') || '',
                     text: texts[t].firstChild ? texts[t].firstChild.textContent : '',
                     title: title ? title.textContent : '',
                     box: [tb.x, tb.y, tb.width, tb.height]});
  }
  var wraps = document.querySelectorAll('table');
  for (var w = 0; w < wraps.length; w++) {
    var box = wraps[w].parentElement;
    var br = box.getBoundingClientRect();
    out.tables.push({cls: wraps[w].getAttribute('class'), wrap: box.getAttribute('class'),
                     right: br.right, client_width: box.clientWidth,
                     scroll_width: box.scrollWidth});
  }
  var pre = document.createElement('pre');
  pre.id = 'syncdrill-measurements';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
)";

std::string unescape_html(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::map<std::string, char> named = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
      bool done = false;
      for (const auto& [entity, c] : named) {
        if (s.compare(i, entity.size(), entity) == 0) {
          out += c;
          i += entity.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += s[i];
  }
  return out;
}

struct Measured {
  std::string dom;
  Json data;
};

// The measurements of `page` (the drill's own by default) laid out in a window `width` px wide.
Measured measure(const TempDir& dir, std::string page = run().page, int width = kWindowWidth) {
  static int n = 0;
  const size_t body_end = page.rfind("</body>");
  REQUIRE(body_end != std::string::npos);
  page.insert(body_end, kMeasure);
  const fs::path file = dir.path / fmt::format("report-measured-{}.html", ++n);
  write_file(file, page);
  const Browser b = run_chromium(dir, file, "--dump-dom", width);
  INFO("chromium's messages:\n", b.log);
  REQUIRE_MESSAGE(b.status == 0, "chromium --dump-dom exited with ", b.status);
  const std::string open = "<pre id=\"syncdrill-measurements\">";
  const size_t start = b.out.find(open);
  REQUIRE_MESSAGE(start != std::string::npos,
                  "the measuring script left no result: did the page load? DOM size ",
                  b.out.size());
  const size_t end = b.out.find("</pre>", start);
  REQUIRE(end != std::string::npos);
  Measured m;
  m.dom = b.out;
  m.data = Json::parse(unescape_html(b.out.substr(start + open.size(), end - start - open.size())));
  return m;
}

// ---- What the run should show -------------------------------------------------------------------

constexpr const char* kFlowKeys[] = {"order_ingest", "stock_sync", "price_sync", "status_sync"};

// What a line series must show: a segment where two samples are neighbours, a point marker for
// each sample with no neighbour.
struct Expected {
  bool segment = false;
  size_t lone = 0;
};

// From which samples a series has (the browser drill is short: nothing is downsampled).
Expected expected_from(const std::vector<bool>& present) {
  Expected e;
  for (size_t i = 0; i < present.size(); ++i) {
    if (!present[i]) continue;
    const bool before = i > 0 && present[i - 1];
    const bool after = i + 1 < present.size() && present[i + 1];
    e.segment = e.segment || before;
    e.lone += before || after ? 0 : 1;
  }
  return e;
}

// The line series of a chart, by data-series, for every series with at least one sample.
std::map<std::string, Expected> expected_lines(const std::string& chart) {
  const WorldResult& r = run().result;
  std::map<std::string, std::vector<bool>> present;
  if (chart == "sync-delay") {
    for (const ChannelOutcome& c : r.channels) {
      for (size_t k = 0; k < kSyncDelays.size(); ++k) {
        std::vector<bool> p;
        for (int64_t v : c.delay_p95_ms_series[kSyncDelays[k]])
          p.push_back(v >= 0);
        present[c.channel + "/" + kFlowKeys[k]] = p;
      }
    }
  } else if (chart == "queue-depth") {
    for (const ConnectorOutcome& c : r.connectors)
      present[c.name] = std::vector<bool>(c.queue_depth_series.size(), true);
  } else if (chart == "error-rate") {
    for (const ConnectorOutcome& c : r.connectors) {
      std::vector<bool> p;
      for (size_t i = 0; i < c.attempts_ok_series.size(); ++i)
        p.push_back(i > 0 && c.attempts_ok_series[i] + c.attempts_failed_series[i] > 0);
      present[c.name] = p;
    }
  } else if (chart == "orders-placed") {
    for (const ChannelOutcome& c : r.channels) {
      std::vector<bool> p(c.orders_placed_series.size(), true);
      if (!p.empty()) p[0] = false;  // the sample at t = 0 has no interval before it
      if (c.orders_placed > 0) present["orders:" + c.channel] = p;
    }
  }
  std::map<std::string, Expected> out;
  for (const auto& [series, p] : present) {
    if (std::find(p.begin(), p.end(), true) != p.end()) out[series] = expected_from(p);
  }
  return out;
}

const Json* find_chart(const Json& data, const std::string& name) {
  for (const Json& c : data["charts"]) {
    if (c["chart"] == name) return &c;
  }
  return nullptr;
}

std::vector<const Json*> marks(const Json& data, const std::string& chart,
                               const std::string& cls = "") {
  std::vector<const Json*> out;
  for (const Json& m : data["marks"]) {
    if (m["chart"] == chart && (cls.empty() || m["cls"] == cls)) out.push_back(&m);
  }
  return out;
}

double box(const Json& m, int i) {
  return m["box"][i].get<double>();
}

// ---- Tests --------------------------------------------------------------------------------------

TEST_CASE("report.html in Chromium: five SVG charts, every series drawn inside its plot") {
  TempDir dir;
  const Measured m = measure(dir);
  const Json& data = m.data;

  REQUIRE(data["charts"].size() == 5);
  const std::vector<std::string> names = {"timeline", "sync-delay", "queue-depth", "error-rate",
                                          "orders-placed"};
  for (size_t i = 0; i < names.size(); ++i) {
    const Json& c = data["charts"][i];
    INFO("chart ", names[i]);
    CHECK(c["chart"] == names[i]);
    CHECK(c["ns"] == "http://www.w3.org/2000/svg");  // parsed as SVG, not as unknown HTML
    CHECK(!c["title"].get<std::string>().empty());
    CHECK(c["width"].get<double>() >= 900);
    CHECK(c["height"].get<double>() >= 100);
  }

  size_t lone_total = 0;
  for (const std::string chart : {"sync-delay", "queue-depth", "error-rate", "orders-placed"}) {
    INFO("chart ", chart);
    const std::map<std::string, Expected> want = expected_lines(chart);
    REQUIRE(!want.empty());
    const Json& plot = (*find_chart(data, chart))["plot"];
    std::map<std::string, std::string> line_colour;
    std::map<std::string, const Json*> points;
    for (const Json* mark : marks(data, chart)) {
      const std::string series = (*mark)["series"];
      INFO("series ", series, " ", (*mark)["cls"]);
      CHECK((*mark)["visible"] == true);
      CHECK((*mark)["points"].get<int>() > 0);
      // Inside the plot area (geometry without the stroke's width; a point marker's circle may
      // reach its radius past the edge).
      const double slack = (*mark)["cls"] == "points" ? 3.51 : 0.01;
      CHECK(box(*mark, 0) >= plot[0].get<double>() - slack);
      CHECK(box(*mark, 1) >= plot[1].get<double>() - slack);
      CHECK(box(*mark, 0) + box(*mark, 2) <= plot[0].get<double>() + plot[2].get<double>() + slack);
      CHECK(box(*mark, 1) + box(*mark, 3) <= plot[1].get<double>() + plot[3].get<double>() + slack);
      if ((*mark)["cls"] == "points") {
        CHECK((*mark)["tag"] == "g");
        points[series] = mark;
        continue;
      }
      CHECK((*mark)["cls"] == "line");
      CHECK((*mark)["tag"] == "path");
      CHECK((*mark)["stroke"] != "none");
      line_colour[series] = (*mark)["stroke"];
      if (want.count(series) != 0 && want.at(series).segment)
        CHECK((*mark)["length"].get<double>() > 0);
    }
    CHECK(line_colour.size() == want.size());
    for (const auto& [series, e] : want) {
      INFO("series ", series);
      CHECK_MESSAGE(line_colour.count(series) == 1, "no line drawn for ", series);
      // Each sample with no neighbour has a circle, in its line's colour.
      lone_total += e.lone;
      CHECK(points.count(series) == (e.lone > 0 ? 1 : 0));
      if (points.count(series) == 1) {
        CHECK((*points[series])["points"] == e.lone);
        CHECK((*points[series])["fill"] == line_colour[series]);
      }
    }
    CHECK(points.size() <= want.size());
  }
  CHECK(lone_total > 0);  // the drill has lone samples, so the point markers are tested

  // The stock sync line of each channel is there.
  const std::map<std::string, Expected> delay = expected_lines("sync-delay");
  CHECK(delay.count("dtc/stock_sync") == 1);
  CHECK(delay.count("market/stock_sync") == 1);

  // Queue depth lines sit where the data puts them: from t=0 to the last sample, from the lowest
  // to the highest value on a symlog axis from 0 to data-y-max, linear up to data-y-linear.
  const Json& queue = *find_chart(data, "queue-depth");
  const double px = queue["plot"][0], py = queue["plot"][1], pw = queue["plot"][2],
               ph = queue["plot"][3];
  const double y_max = queue["y_max"], x_end_s = queue["x_end_s"], linear = queue["y_linear"];
  REQUIRE(y_max > 0);
  REQUIRE(queue["y_scale"] == "symlog");
  REQUIRE(linear > 0);
  auto height = [&](double v) { return ph * std::log1p(v / linear) / std::log1p(y_max / linear); };
  bool some_queue = false;
  for (const ConnectorOutcome& c : run().result.connectors) {
    INFO("queue of ", c.name);
    const Json* line = nullptr;
    for (const Json* l : marks(data, "queue-depth", "line")) {
      if ((*l)["series"] == c.name) line = l;
    }
    REQUIRE(line != nullptr);
    uint32_t lo = c.queue_depth_series[0], hi = lo;
    for (uint32_t q : c.queue_depth_series) {
      lo = std::min(lo, q);
      hi = std::max(hi, q);
    }
    some_queue = some_queue || hi > 0;
    const double last_s = (static_cast<double>(c.queue_depth_series.size()) - 1) *
                          run().result.sample_interval.seconds();
    CHECK(std::fabs(box(*line, 0) - px) <= 0.1);
    CHECK(std::fabs(box(*line, 0) + box(*line, 2) - (px + pw * last_s / x_end_s)) <= 0.2);
    CHECK(std::fabs(box(*line, 1) - (py + ph - height(hi))) <= 0.2);
    CHECK(std::fabs(box(*line, 3) - (height(hi) - height(lo))) <= 0.2);
  }
  CHECK(some_queue);  // the stalled connector queues its orders
}

TEST_CASE("report.html in Chromium: the timeline draws each fault, marker and firing in place") {
  TempDir dir;
  const Measured m = measure(dir);
  const Json& data = m.data;
  const Score& score = run().score;
  const Json& timeline = *find_chart(data, "timeline");
  const double px = timeline["plot"][0], pw = timeline["plot"][2];
  const double end_s = timeline["x_end_s"];

  const std::vector<const Json*> bars = marks(data, "timeline", "fault");
  REQUIRE(bars.size() == score.incidents.size());
  REQUIRE(score.incidents.size() == 3);
  for (size_t i = 0; i < bars.size(); ++i) {
    const FaultIncident& f = score.incidents[i];
    INFO("fault ", f.fault_id);
    CHECK((*bars[i])["series"] == "fault:" + f.fault_id);
    CHECK((*bars[i])["tag"] == "rect");
    CHECK((*bars[i])["visible"] == true);
    CHECK(std::fabs(box(*bars[i], 0) - (px + pw * f.onset.seconds() / end_s)) <= 0.1);
    CHECK(std::fabs(box(*bars[i], 0) + box(*bars[i], 2) - (px + pw * f.ended.seconds() / end_s)) <=
          0.2);
    CHECK(box(*bars[i], 3) > 0);
  }

  size_t detected = 0, recovered = 0, firings = 0;
  for (const FaultIncident& f : score.incidents) {
    detected += f.detected ? 1 : 0;
    recovered += f.recovered ? 1 : 0;
  }
  for (const MonitorOutcome& mo : score.monitors)
    firings += mo.firings.size();
  CHECK(marks(data, "timeline", "detected").size() == detected);
  CHECK(marks(data, "timeline", "recovered").size() == recovered);
  CHECK(marks(data, "timeline", "firing").size() +
            marks(data, "timeline", "firing false-positive").size() ==
        firings);
  CHECK(detected >= 1);  // the monitors catch the ERP outage
  CHECK(firings >= 1);
  for (const Json* mark : marks(data, "timeline")) {
    INFO("mark ", (*mark)["cls"], " of ", (*mark)["series"]);
    CHECK((*mark)["visible"] == true);
    CHECK(box(*mark, 2) > 0);
    CHECK(box(*mark, 3) > 0);
    CHECK((*mark)["fill"] != "none");
  }
  // The DOM Chromium built holds the page's own text too.
  CHECK(m.dom.find("browser-drill") != std::string::npos);
  CHECK(m.dom.find("Business impact") != std::string::npos);
}

// PNG: the signature, then the IHDR chunk with width and height (big-endian).
struct PngSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

PngSize png_size(const std::string& png) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  REQUIRE_MESSAGE(png.size() > 33, "not a PNG: ", png.size(), " bytes");
  REQUIRE(png.compare(0, 8, kSignature) == 0);
  REQUIRE(png.compare(12, 4, "IHDR") == 0);
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

TEST_CASE(
    "report.html in Chromium: a screenshot shows the page and the data elements paint pixels") {
  TempDir dir;
  const fs::path page = dir.path / "report.html";
  write_file(page, run().page);
  // The same page with every data element hidden: its screenshot must differ.
  std::string hidden_page = run().page;
  hidden_page.insert(hidden_page.find("</head>"),
                     "<style>[data-series]{visibility:hidden !important}</style>\n");
  const fs::path hidden = dir.path / "report-hidden.html";
  write_file(hidden, hidden_page);

  const fs::path shot = dir.path / "report.png";
  const fs::path hidden_shot = dir.path / "report-hidden.png";
  for (const auto& [html, png] : {std::pair{page, shot}, std::pair{hidden, hidden_shot}}) {
    const Browser b = run_chromium(dir, html, "--screenshot=" + quoted(png.string()));
    INFO("chromium's messages:\n", b.log);
    REQUIRE_MESSAGE(b.status == 0, "chromium --screenshot exited with ", b.status);
    REQUIRE_MESSAGE(fs::exists(png), "chromium wrote no screenshot ", png.string());
  }
  const std::string a = read_file(shot);
  const std::string b = read_file(hidden_shot);
  const PngSize size = png_size(a);
  CHECK(size.width == static_cast<uint32_t>(kWindowWidth));
  CHECK(size.height == static_cast<uint32_t>(kWindowHeight));
  // A blank 1280 x 4000 page compresses to a few KB; text, tables and four charts do not.
  CHECK_MESSAGE(a.size() > 60'000, "screenshot only ", a.size(), " bytes: is the page blank?");
  png_size(b);
  CHECK_MESSAGE(a != b, "hiding the data elements did not change the screenshot");
}

// ---- Pixels -------------------------------------------------------------------------------------

uint32_t be32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i)
    v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// A decoded screenshot: 8-bit RGB or RGBA, `channels` bytes per pixel, rows top first.
struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  size_t channels = 0;
  std::vector<uint8_t> pixels;
  const uint8_t* at(uint32_t x, uint32_t y) const {
    return &pixels[(static_cast<size_t>(y) * width + x) * channels];
  }
};

// The PNG Chromium writes (8-bit truecolour, with or without alpha, not interlaced): its IDAT
// chunks inflated with zlib, then each row's filter undone (PNG specification, section 9).
Image decode_png(const std::string& png) {
  const PngSize size = png_size(png);
  REQUIRE(png[24] == 8);                    // bit depth
  REQUIRE((png[25] == 2 || png[25] == 6));  // colour type: RGB or RGBA
  REQUIRE(png[28] == 0);                    // no interlace
  Image img{size.width, size.height, png[25] == 6 ? 4u : 3u, {}};
  std::string idat;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length = be32(png, at);
    REQUIRE(at + 12 + length <= png.size());
    if (png.compare(at + 4, 4, "IDAT") == 0) idat.append(png, at + 8, length);
    if (png.compare(at + 4, 4, "IEND") == 0) break;
    at += 12 + length;
  }
  const size_t stride = img.width * img.channels;
  std::vector<uint8_t> raw((stride + 1) * img.height);
  uLongf raw_size = raw.size();
  REQUIRE(::uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                       idat.size()) == Z_OK);
  REQUIRE(raw_size == raw.size());
  img.pixels.resize(stride * img.height);
  const size_t bpp = img.channels;
  for (uint32_t y = 0; y < img.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    uint8_t* out = &img.pixels[y * stride];
    const uint8_t* up = y > 0 ? &img.pixels[(y - 1) * stride] : nullptr;
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? out[i - bpp] : 0;
      const int b = up != nullptr ? up[i] : 0;
      const int c = i >= bpp && up != nullptr ? up[i - bpp] : 0;
      int predicted = 0;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          FAIL("PNG row ", y, " has an unknown filter ", int(filter));
      }
      out[i] = static_cast<uint8_t>(in[i] + predicted);
    }
  }
  return img;
}

// "rgb(78, 121, 167)" (a computed colour) as three numbers.
std::array<int, 3> rgb(const std::string& css) {
  std::array<int, 3> c{-1, -1, -1};
  REQUIRE_MESSAGE(std::sscanf(css.c_str(), "rgb(%d, %d, %d)", &c[0], &c[1], &c[2]) == 3, css);
  return c;
}

// Pixels of colour `c` (each channel within 2) inside the page rectangle [x, y, width, height].
size_t count_colour(const Image& img, const Json& rect, const std::array<int, 3>& c) {
  const auto x0 = static_cast<uint32_t>(std::max(0.0, std::floor(rect[0].get<double>())));
  const auto y0 = static_cast<uint32_t>(std::max(0.0, std::floor(rect[1].get<double>())));
  const uint32_t x1 = std::min<uint32_t>(
      img.width, static_cast<uint32_t>(std::ceil(rect[0].get<double>() + rect[2].get<double>())));
  const uint32_t y1 = std::min<uint32_t>(
      img.height, static_cast<uint32_t>(std::ceil(rect[1].get<double>() + rect[3].get<double>())));
  size_t n = 0;
  for (uint32_t y = y0; y < y1; ++y) {
    for (uint32_t x = x0; x < x1; ++x) {
      const uint8_t* p = img.at(x, y);
      if (std::abs(p[0] - c[0]) <= 2 && std::abs(p[1] - c[1]) <= 2 && std::abs(p[2] - c[2]) <= 2)
        ++n;
    }
  }
  return n;
}

// The screenshot of `page` (a file in `dir` named `name`), decoded.
Image screenshot(const TempDir& dir, const std::string& page, const std::string& name) {
  const fs::path html = dir.path / (name + ".html");
  const fs::path png = dir.path / (name + ".png");
  write_file(html, page);
  const Browser b = run_chromium(dir, html, "--screenshot=" + quoted(png.string()));
  INFO("chromium's messages:\n", b.log);
  REQUIRE_MESSAGE(b.status == 0, "chromium --screenshot exited with ", b.status);
  REQUIRE_MESSAGE(fs::exists(png), "chromium wrote no screenshot ", png.string());
  return decode_png(read_file(png));
}

// A run of one hour whose only chart data is one price sync delay on dtc: a single sample at
// 30m with no sample beside it, as black-friday-peak's breached price sync delay at 14h.
std::string lone_sample_page() {
  Scenario sc = run().scenario;
  sc.faults.clear();
  sc.monitors.clear();
  WorldResult r;
  r.simulated = minutes(60);
  r.sample_interval = minutes(1);
  r.status = RunStatus::reached_time;
  ChannelOutcome dtc;
  dtc.channel = "dtc";
  dtc.delay_p95_ms_series[SyncDelay::price] = std::vector<int64_t>(60, -1);
  dtc.delay_p95_ms_series[SyncDelay::price][29] = 1500;
  r.channels.push_back(dtc);
  return report_html(sc, RunIdentity{"lone-sample.yaml", "", 1}, r, Score{});
}

TEST_CASE("report.html in Chromium: a series of one lone sample paints pixels of its colour") {
  TempDir dir;
  const std::string page = lone_sample_page();
  const Measured m = measure(dir, page);
  const Json& chart = *find_chart(m.data, "sync-delay");
  const Json& plot = chart["plot_on_page"];
  std::string colour;
  for (const Json* mark : marks(m.data, "sync-delay", "line")) {
    if ((*mark)["series"] == "dtc/price_sync") colour = (*mark)["stroke"];
  }
  REQUIRE_MESSAGE(!colour.empty(), "no line for dtc/price_sync");
  const std::array<int, 3> c = rgb(colour);

  const Image shot = screenshot(dir, page, "lone");
  CHECK(shot.width == static_cast<uint32_t>(kWindowWidth));
  const size_t painted = count_colour(shot, plot, c);
  // A visible point: a 3 x 3 block at least of the series' colour inside the plot.
  CHECK_MESSAGE(painted >= 9, "the lone sample paints ", painted, " pixels of ", colour,
                " in the delay chart's plot: it is not visible");
  // The count measures the series: with the data elements hidden nothing of its colour is left.
  std::string hidden = page;
  hidden.insert(hidden.find("</head>"),
                "<style>[data-series]{visibility:hidden !important}</style>\n");
  CHECK(count_colour(screenshot(dir, hidden, "lone-hidden"), plot, c) == 0);
}

// ---- Width --------------------------------------------------------------------------------------

// The drill's page with long ids, names, reasons and a long path, some without a place to break.
std::string wide_page() {
  Scenario sc = run().scenario;
  Score score = run().score;
  const std::string id = "governance-price-feed-delay-for-every-marketplace-in-the-eu-region";
  REQUIRE(!score.incidents.empty());
  for (FaultSpec& f : sc.faults) {
    if (f.id == score.incidents[0].fault_id) f.id = id;
  }
  score.incidents[0].fault_id = id;
  score.incidents[0].recovery_note =
      "orders still missing from the OMS: " + std::string(160, 'x') + " and more words after it";
  REQUIRE(!score.monitors.empty());
  score.monitors[0].name =
      "errors-per-connector-per-channel-over-five-minutes-" + std::string(60, 'm');
  REQUIRE(!score.tiers.empty());
  REQUIRE(!score.tiers[0].checks.empty());
  score.tiers[0].checks[0].held = false;
  score.tiers[0].checks[0].reason = "over its limit at " + std::string(200, '9');
  sc.name = "drill-" + std::string(120, 'w');
  const std::string path = "scenarios/" + std::string(220, 'p') + ".yaml";
  return report_html(sc, RunIdentity{path, "sha256:" + std::string(64, 'f'), sc.seed}, run().result,
                     score);
}

// Every text of every chart inside its chart (rotated axis titles aside), tick labels apart.
void check_labels(const Json& data) {
  for (const Json& chart : data["charts"]) {
    const std::string name = chart["chart"];
    const double width = chart["view_width"];
    std::vector<const Json*> ticks;
    for (const Json& l : data["labels"]) {
      if (l["chart"] != name || l["cls"] == "axis-title") continue;
      INFO("chart ", name, ": ", l["cls"], " '", l["text"], "'");
      CHECK(box(l, 0) >= 0);
      CHECK(box(l, 0) + box(l, 2) <= width);
      if (l["cls"] == "tick-label") ticks.push_back(&l);
      if (l["cls"] == "row-label") CHECK(!l["title"].get<std::string>().empty());
    }
    for (size_t i = 0; i < ticks.size(); ++i) {
      for (size_t k = i + 1; k < ticks.size(); ++k) {
        const Json& a = *ticks[i];
        const Json& b = *ticks[k];
        INFO("chart ", name, ": tick labels '", a["text"], "' and '", b["text"], "'");
        const bool apart = box(a, 0) + box(a, 2) <= box(b, 0) ||
                           box(b, 0) + box(b, 2) <= box(a, 0) ||
                           box(a, 1) + box(a, 3) <= box(b, 1) || box(b, 1) + box(b, 3) <= box(a, 1);
        CHECK(apart);
      }
    }
  }
}

TEST_CASE("report.html in Chromium: no chart label runs out of its chart or over another") {
  TempDir dir;
  const Measured m = measure(dir);
  REQUIRE(m.data["labels"].size() > 20);
  check_labels(m.data);
}

TEST_CASE("report.html in Chromium: at 1024 px no table makes the page wider than the window") {
  TempDir dir;
  const std::string page = wide_page();
  const Measured m = measure(dir, page, kNarrowWidth);
  const Json& p = m.data["page"];
  REQUIRE(p["window_width"] == kNarrowWidth);
  CHECK(p["scroll_width"].get<double>() <= kNarrowWidth);
  CHECK(p["body_scroll_width"].get<double>() <= kNarrowWidth);
  size_t scrolling = 0;
  REQUIRE(m.data["tables"].size() >= 5);
  for (const Json& t : m.data["tables"]) {
    INFO("table ", t["cls"]);
    CHECK(t["wrap"] == "table-wrap");
    CHECK(t["right"].get<double>() <= kNarrowWidth);
    scrolling += t["scroll_width"].get<double>() > t["client_width"].get<double>() ? 1 : 0;
  }
  CHECK(scrolling >= 1);  // the long reasons do not wrap: their table scrolls in its box
  // The long ids are shortened on the timeline, not cut off.
  check_labels(m.data);
  bool shortened = false;
  for (const Json& l : m.data["labels"]) {
    if (l["cls"] == "row-label" &&
        l["title"].get<std::string>().find("governance-") != std::string::npos) {
      shortened = l["text"].get<std::string>().find("\xE2\x80\xA6") != std::string::npos;
    }
  }
  CHECK(shortened);

  // Without the scrolling boxes the same page is wider than the window: the checks above can fail.
  std::string bare = page;
  bare.insert(bare.find("</head>"), "<style>.table-wrap{overflow-x:visible !important}</style>\n");
  const Measured wide = measure(dir, bare, kNarrowWidth);
  CHECK(wide.data["page"]["scroll_width"].get<double>() > kNarrowWidth);
}

}  // namespace
}  // namespace syncdrill
