// report.html in a real browser: Debian's Chromium, headless, opens the page of a small real run
// (browser-drill.yaml beside this file) from a local file and
//   - from the DOM after layout (--dump-dom of a copy with a measuring script added at the end):
//     the four charts are SVG elements with a size, every series the run has is drawn by a
//     visible element inside its plot area, lines have length, and queue depth lines and fault
//     bars sit exactly where their data puts them;
//   - from screenshots (--screenshot): the page renders to a PNG of the window's size, and hiding
//     the data elements changes its pixels (so they are painted).
//
// Chromium comes from the Debian package chromium (/usr/bin/chromium), which
// scripts/install-test-deps installs and `make test` runs; without it every test here fails,
// saying so. SYNCDRILL_CHROMIUM overrides the binary. No network: the page is a file and the
// browser runs with background networking off and every host name unresolvable.
// SYNCDRILL_BROWSER_KEEP=1 keeps the pages and screenshots (the path is printed).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

#include <nlohmann/json.hpp>

#include "reports/report_html.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/score/detection.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int kWindowWidth = 1280;
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
// profile, with no network, for at most a minute.
Browser run_chromium(const TempDir& dir, const fs::path& page, const std::string& args) {
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
      quoted(chromium()), quoted("MAP * ~NOTFOUND"), quoted(profile.string()), kWindowWidth,
      kWindowHeight, args, quoted("file://" + page.string()), quoted(out.string()),
      quoted(err.string()));
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
  var out = {charts: [], marks: []};
  var svgs = document.querySelectorAll('svg.chart');
  for (var i = 0; i < svgs.length; i++) {
    var svg = svgs[i];
    var r = svg.getBoundingClientRect();
    var p = svg.querySelector('.plot-area').getBBox();
    out.charts.push({chart: svg.getAttribute('data-chart'), ns: svg.namespaceURI,
                     title: svg.querySelector('title').textContent, width: r.width,
                     height: r.height, plot: [p.x, p.y, p.width, p.height],
                     y_max: Number(svg.getAttribute('data-y-max') || 0),
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

Measured measure(const TempDir& dir) {
  std::string page = run().page;
  const size_t body_end = page.rfind("</body>");
  REQUIRE(body_end != std::string::npos);
  page.insert(body_end, kMeasure);
  const fs::path file = dir.path / "report-measured.html";
  write_file(file, page);
  const Browser b = run_chromium(dir, file, "--dump-dom");
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

// Line series per chart, and whether each has two neighbouring samples (so a segment to draw).
std::map<std::string, bool> expected_lines(const std::string& chart) {
  const WorldResult& r = run().result;
  std::map<std::string, bool> out;
  if (chart == "sync-delay") {
    for (const ChannelOutcome& c : r.channels) {
      for (size_t k = 0; k < 4; ++k) {
        const std::vector<int64_t>& v = c.delay_p95_ms_series[k];
        bool any = false, segment = false;
        for (size_t i = 0; i < v.size(); ++i) {
          any = any || v[i] >= 0;
          segment = segment || (i > 0 && v[i] >= 0 && v[i - 1] >= 0);
        }
        if (any) out[c.channel + "/" + kFlowKeys[k]] = segment;
      }
    }
  } else if (chart == "queue-depth") {
    for (const ConnectorOutcome& c : r.connectors)
      out[c.name] = c.queue_depth_series.size() >= 2;
  } else if (chart == "error-rate") {
    for (const ConnectorOutcome& c : r.connectors) {
      bool any = false, segment = false, previous = false;
      for (size_t i = 1; i < c.attempts_ok_series.size(); ++i) {
        const bool here = c.attempts_ok_series[i] + c.attempts_failed_series[i] > 0;
        any = any || here;
        segment = segment || (here && previous);
        previous = here;
      }
      if (any) out[c.name] = segment;
    }
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

TEST_CASE("report.html in Chromium: four SVG charts, every series drawn inside its plot") {
  TempDir dir;
  const Measured m = measure(dir);
  const Json& data = m.data;

  REQUIRE(data["charts"].size() == 4);
  const std::vector<std::string> names = {"timeline", "sync-delay", "queue-depth", "error-rate"};
  for (size_t i = 0; i < names.size(); ++i) {
    const Json& c = data["charts"][i];
    INFO("chart ", names[i]);
    CHECK(c["chart"] == names[i]);
    CHECK(c["ns"] == "http://www.w3.org/2000/svg");  // parsed as SVG, not as unknown HTML
    CHECK(!c["title"].get<std::string>().empty());
    CHECK(c["width"].get<double>() >= 900);
    CHECK(c["height"].get<double>() >= 100);
  }

  for (const std::string chart : {"sync-delay", "queue-depth", "error-rate"}) {
    INFO("chart ", chart);
    const std::map<std::string, bool> want = expected_lines(chart);
    REQUIRE(!want.empty());
    const Json& plot = (*find_chart(data, chart))["plot"];
    std::map<std::string, bool> got;
    for (const Json* line : marks(data, chart)) {
      const std::string series = (*line)["series"];
      INFO("series ", series);
      got[series] = true;
      CHECK((*line)["tag"] == "path");
      CHECK((*line)["visible"] == true);
      CHECK((*line)["stroke"] != "none");
      CHECK((*line)["points"].get<int>() > 0);
      // Inside the plot area (geometry without the stroke's width).
      CHECK(box(*line, 0) >= plot[0].get<double>() - 0.01);
      CHECK(box(*line, 1) >= plot[1].get<double>() - 0.01);
      CHECK(box(*line, 0) + box(*line, 2) <= plot[0].get<double>() + plot[2].get<double>() + 0.01);
      CHECK(box(*line, 1) + box(*line, 3) <= plot[1].get<double>() + plot[3].get<double>() + 0.01);
      if (want.count(series) != 0 && want.at(series)) CHECK((*line)["length"].get<double>() > 0);
    }
    CHECK(got.size() == want.size());
    for (const auto& [series, segment] : want)
      CHECK_MESSAGE(got.count(series) == 1, "no line drawn for ", series);
  }
  // The stock sync line of each channel is there.
  const std::map<std::string, bool> delay = expected_lines("sync-delay");
  CHECK(delay.count("dtc/stock_sync") == 1);
  CHECK(delay.count("market/stock_sync") == 1);

  // Queue depth lines sit where the data puts them: from t=0 to the last sample, from the lowest
  // to the highest value on an axis from 0 to data-y-max.
  const Json& queue = *find_chart(data, "queue-depth");
  const double px = queue["plot"][0], py = queue["plot"][1], pw = queue["plot"][2],
               ph = queue["plot"][3];
  const double y_max = queue["y_max"], x_end_s = queue["x_end_s"];
  REQUIRE(y_max > 0);
  bool some_queue = false;
  for (const ConnectorOutcome& c : run().result.connectors) {
    INFO("queue of ", c.name);
    const Json* line = nullptr;
    for (const Json* l : marks(data, "queue-depth")) {
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
    CHECK(std::fabs(box(*line, 1) - (py + ph * (1 - hi / y_max))) <= 0.2);
    CHECK(std::fabs(box(*line, 3) - ph * (hi - lo) / y_max) <= 0.2);
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

}  // namespace
}  // namespace syncdrill
