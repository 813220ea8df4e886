// junit.xml: checked on a small real run and a hand-made Score (two tiers, one held and one with
// two failed checks; three faults, one missed). Well-formedness and counts are checked twice: by
// xmllint (package libxml2-utils, installed by scripts/install-deps), as CI tools parse it, and
// by a small parser here that needs nothing outside the test.
#include "reports/junit_xml.hpp"

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "reports/format.hpp"
#include "tests/reports/report_fixture.hpp"
#include "tests/reports/xmllint.hpp"

namespace syncdrill {
namespace {

using testing::at_s;
using testing::identity;
using testing::xmllint;

Scenario scenario() {
  return testing::load_drill(testing::kDrillA, "drills/drill-a.yaml");
}

const WorldResult& world() {
  static const WorldResult result = run_world(scenario(), 7);
  return result;
}

// 4 tier checks (2 failed) + 3 faults (1 missed): 7 test cases, 3 failures. oms-slow was
// detected by erp-errors at a time with a fraction of a second.
Score score() {
  Score s = testing::drill_a_score();
  FaultIncident& slow = s.incidents.at(1);
  slow.detected = SimTime{390'250'000};
  slow.detected_by = {"erp-errors"};
  slow.mttd = Duration{150'250'000};
  return s;
}

// ---- A small XML parser: enough to prove the output is well-formed and to count in it --------

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;  // values with entities decoded
  std::vector<Element> children;
  std::string text;  // character data directly inside, entities decoded
};

class MiniXml {
 public:
  explicit MiniXml(const std::string& s) : s_(s) {}

  // Parses the whole document; fails the test (and returns an empty element) when malformed.
  Element document() {
    skip_space();
    if (s_.compare(pos_, 5, "<?xml") == 0) {
      const size_t end = s_.find("?>", pos_);
      if (end == std::string::npos) FAIL("unterminated XML declaration");
      pos_ = end + 2;
    }
    skip_space();
    Element root = element();
    skip_space();
    if (pos_ != s_.size()) FAIL("content after the root element at byte ", pos_);
    return root;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r'))
      ++pos_;
  }

  std::string name() {
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '-' || s_[pos_] == '_' || s_[pos_] == ':'))
      ++pos_;
    if (pos_ == start) FAIL("expected a name at byte ", start);
    return s_.substr(start, pos_ - start);
  }

  // Character data up to `stop`: no raw '<' (or '&' outside an entity) allowed.
  std::string chars(char stop) {
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != stop) {
      const char c = s_[pos_];
      if (c == '<') FAIL("raw '<' in character data at byte ", pos_);
      if (c == '&') {
        const size_t semi = s_.find(';', pos_);
        if (semi == std::string::npos) FAIL("unterminated entity at byte ", pos_);
        const std::string entity = s_.substr(pos_ + 1, semi - pos_ - 1);
        static const std::map<std::string, std::string> named = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
        if (auto it = named.find(entity); it != named.end()) {
          out += it->second;
        } else {
          if (entity.size() < 2 || entity[0] != '#') FAIL("unknown entity &", entity, ";");
          out += static_cast<char>(std::stoi(entity.substr(1)));  // ASCII references only here
        }
        pos_ = semi + 1;
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\n' && c != '\t') FAIL("control character ", int(u), " at byte ", pos_);
      out += c;
      ++pos_;
    }
    return out;
  }

  Element element() {
    if (s_[pos_] != '<') FAIL("expected '<' at byte ", pos_);
    ++pos_;
    Element e;
    e.name = name();
    for (;;) {
      skip_space();
      if (pos_ >= s_.size()) FAIL("unterminated tag <", e.name);
      if (s_.compare(pos_, 2, "/>") == 0) {
        pos_ += 2;
        return e;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      const std::string attr = name();
      if (s_[pos_] != '=') FAIL("expected '=' after ", attr);
      ++pos_;
      const char quote = s_[pos_];
      if (quote != '"' && quote != '\'') FAIL("unquoted value of ", attr);
      ++pos_;
      if (e.attrs.count(attr) != 0) FAIL("duplicate attribute ", attr);
      e.attrs[attr] = chars(quote);
      ++pos_;
    }
    for (;;) {
      e.text += chars('<');
      if (pos_ >= s_.size()) FAIL("element <", e.name, "> is never closed");
      if (s_.compare(pos_, 2, "</") == 0) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != e.name) FAIL("<", e.name, "> closed by </", closing, ">");
        skip_space();
        if (s_[pos_] != '>') FAIL("expected '>' at byte ", pos_);
        ++pos_;
        return e;
      }
      e.children.push_back(element());
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

std::vector<const Element*> children(const Element& e, const std::string& name) {
  std::vector<const Element*> out;
  for (const Element& c : e.children) {
    if (c.name == name) out.push_back(&c);
  }
  return out;
}

size_t count_all(const Element& e, const std::string& name) {
  size_t n = e.name == name ? 1 : 0;
  for (const Element& c : e.children)
    n += count_all(c, name);
  return n;
}

// Every <testsuite>'s tests, failures and skipped equal its test cases, failed and skipped ones,
// and <testsuites> holds their sums; every time attribute is "0". Returns the root.
Element checked_structure(const std::string& xml) {
  Element root = MiniXml(xml).document();
  CHECK(root.name == "testsuites");
  CHECK(root.attrs["name"] == "syncdrill");
  size_t tests = 0;
  size_t failures = 0;
  size_t skipped = 0;
  for (const Element* suite : children(root, "testsuite")) {
    const std::vector<const Element*> cases = children(*suite, "testcase");
    size_t failed = 0;
    size_t skips = 0;
    for (const Element* c : cases) {
      failed += children(*c, "failure").size();
      skips += children(*c, "skipped").size();
      CHECK(c->attrs.at("time") == "0");
    }
    INFO("suite ", suite->attrs.at("name"));
    CHECK(suite->attrs.at("tests") == std::to_string(cases.size()));
    CHECK(suite->attrs.at("failures") == std::to_string(failed));
    CHECK(suite->attrs.at("skipped") == std::to_string(skips));
    CHECK(suite->attrs.at("errors") == "0");
    CHECK(suite->attrs.at("time") == "0");
    tests += cases.size();
    failures += failed;
    skipped += skips;
  }
  CHECK(root.attrs["tests"] == std::to_string(tests));
  CHECK(root.attrs["failures"] == std::to_string(failures));
  CHECK(root.attrs["skipped"] == std::to_string(skipped));
  CHECK(root.attrs["errors"] == "0");
  CHECK(root.attrs["time"] == "0");
  return root;
}

// ---- Tests
// ---------------------------------------------------------------------------------------

TEST_CASE("junit.xml: xmllint parses it and counts every check and fault, failures included") {
  const std::string xml = report_junit(scenario(), identity(), world(), score());
  const std::vector<std::string> r = xmllint(
      xml, {"count(//testcase)", "count(//failure)", "count(//failure[@type=\"sla_breach\"])",
            "count(//failure[@type=\"missed\"])", "string(/testsuites/@tests)",
            "string(/testsuites/@failures)", "count(/testsuites/testsuite)",
            "string(//testsuite[@name=\"tier:critical\"]/@failures)"});
  CHECK(r == std::vector<std::string>{"7", "3", "2", "1", "7", "3", "3", "2"});
}

TEST_CASE("junit.xml: suites, test cases and failures are the tiers' checks and the faults") {
  const std::string xml = report_junit(scenario(), identity(), world(), score());
  const Element root = checked_structure(xml);
  const std::vector<const Element*> suites = children(root, "testsuite");
  REQUIRE(suites.size() == 3);
  CHECK(suites[0]->attrs.at("name") == "tier:standard");
  CHECK(suites[1]->attrs.at("name") == "tier:critical");
  CHECK(suites[2]->attrs.at("name") == "faults");
  CHECK(root.attrs.at("tests") == "7");
  CHECK(root.attrs.at("failures") == "3");

  const std::vector<const Element*> critical = children(*suites[1], "testcase");
  REQUIRE(critical.size() == 3);
  CHECK(critical[0]->attrs.at("classname") == "syncdrill.drill-a.critical");
  CHECK(critical[0]->attrs.at("name") == "freshness_p95 order_ingest");
  CHECK(critical[1]->attrs.at("name") == "error_rate order_ingest");
  CHECK(critical[2]->attrs.at("name") == "mttd order_ingest [oms-slow]");
  const Element& breach = *children(*critical[0], "failure").at(0);
  CHECK(breach.attrs.at("type") == "sla_breach");
  CHECK(breach.attrs.at("message") ==
        "order ingest p95 freshness was 95.25 s, over the 30 s target");
  CHECK(breach.text.find("actual 95.25 s (1m35s), limit 30 s") != std::string::npos);
  CHECK(children(*critical[1], "failure").empty());
  CHECK(children(*critical[1], "system-out").at(0)->text == "actual 0.4%, limit 1%: held\n");

  const std::vector<const Element*> faults = children(*suites[2], "testcase");
  REQUIRE(faults.size() == 3);
  CHECK(faults[0]->attrs.at("classname") == "syncdrill.drill-a.faults");
  CHECK(faults[0]->attrs.at("name") == "erp-down (outage)");
  CHECK(faults[1]->attrs.at("name") == "oms-slow (latency)");
  CHECK(faults[2]->attrs.at("name") == "bad-release (error_burst)");
  CHECK(children(*faults[0], "failure").empty());
  const std::string& timeline = children(*faults[0], "system-out").at(0)->text;
  CHECK(timeline.find("onset 2m (120 s); window ended 3m (180 s)") != std::string::npos);
  CHECK(timeline.find("detected 2m30s (150 s) by erp-errors; MTTD 30s (30 s)") !=
        std::string::npos);
  CHECK(timeline.find("action replay_dead_letter ingest at 4m40s (280 s)") != std::string::npos);
  CHECK(timeline.find("recovered 5m30s (330 s); MTTR 3m30s (210 s)") != std::string::npos);
  const std::string& slow = children(*faults[1], "system-out").at(0)->text;
  CHECK(slow.find("detected 6m30s (390.25 s) by erp-errors; MTTD 2m30s (150.25 s)") !=
        std::string::npos);
  const Element& missed = *children(*faults[2], "failure").at(0);
  CHECK(missed.attrs.at("type") == "missed");
  CHECK(missed.attrs.at("message").find("bad-release") != std::string::npos);
  CHECK(missed.text.find("not detected: missed") != std::string::npos);
}

TEST_CASE("junit.xml: without tiers, a skipped tiers suite and the faults suite") {
  Score s = score();
  s.scored = false;
  s.tiers.clear();
  const std::string xml = report_junit(scenario(), identity(), world(), s);
  const Element root = checked_structure(xml);
  const std::vector<const Element*> suites = children(root, "testsuite");
  REQUIRE(suites.size() == 2);
  CHECK(suites[0]->attrs.at("name") == "tiers");
  const Element& skipped = *children(*children(*suites[0], "testcase").at(0), "skipped").at(0);
  CHECK(skipped.attrs.at("message") == "no SLA tiers in the scenario");
  CHECK(suites[1]->attrs.at("name") == "faults");
  CHECK(root.attrs.at("tests") == "4");
  CHECK(root.attrs.at("failures") == "1");
  CHECK(root.attrs.at("skipped") == "1");
  const std::vector<std::string> r =
      xmllint(xml, {"count(//testcase)", "count(//failure)", "count(//skipped)"});
  CHECK(r == std::vector<std::string>{"4", "1", "1"});
}

TEST_CASE("junit.xml: names with markup, quotes and control characters are escaped") {
  Score s = score();
  s.tiers[1].tier = "a<b&\"c\"";
  s.tiers[1].checks[0].reason = "it's > 30 s & <b>bad</b>\x01\nsecond line";
  s.incidents[2].fault_id = "x|y'z";
  Scenario sc = scenario();
  sc.name = "drill]]>";
  const std::string xml = report_junit(sc, identity(), world(), s);
  CHECK(xml.find("\x01") == std::string::npos);
  CHECK(xml.find("<b>") == std::string::npos);
  const Element root = checked_structure(xml);
  const std::vector<const Element*> suites = children(root, "testsuite");
  REQUIRE(suites.size() == 3);
  CHECK(suites[1]->attrs.at("name") == "tier:a<b&\"c\"");
  const Element& tc = *children(*suites[1], "testcase").at(0);
  CHECK(tc.attrs.at("classname") == "syncdrill.drill]]>.a<b&\"c\"");
  // The message attribute keeps the line feed (written as &#10;); the control character is
  // replaced by U+FFFD.
  CHECK(children(tc, "failure").at(0)->attrs.at("message") ==
        "it's > 30 s & <b>bad</b>\xEF\xBF\xBD\nsecond line");
  CHECK(children(*suites[2], "testcase").at(2)->attrs.at("name") == "x|y'z (?)");

  const std::vector<std::string> r =
      xmllint(xml, {"count(//testcase)", "count(//failure)", "string(//testsuite[2]/@name)"});
  CHECK(r.at(0) == "7");
  CHECK(r.at(1) == "3");
  CHECK(r.at(2) == "tier:a<b&\"c\"");
}

TEST_CASE("junit.xml: the same run gives the same bytes, and no wall-clock time") {
  const std::string a = report_junit(scenario(), identity(), world(), score());
  const WorldResult again = run_world(scenario(), 7);
  CHECK(report_junit(scenario(), identity(), again, score()) == a);
  CHECK(a.find("timestamp") == std::string::npos);
  CHECK(a.find("hostname") == std::string::npos);
  CHECK(a.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
}

TEST_CASE("xml_text and xml_attr escape markup and replace what XML 1.0 cannot hold") {
  CHECK(xml_text("a<b&\"c\"'d'>") == "a&lt;b&amp;&quot;c&quot;&apos;d&apos;&gt;");
  CHECK(xml_attr("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d");
  CHECK(xml_text("a\tb\nc\rd") == "a\tb\nc&#13;d");
  CHECK(xml_text(std::string("a\0b\x1f", 4)) ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD");
  CHECK(xml_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");         // valid UTF-8 passes through
  CHECK(xml_text("\xC3") == "\xEF\xBF\xBD");                  // truncated sequence
  CHECK(xml_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  CHECK(xml_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(xml_text("\xEF\xBF\xBF") == "\xEF\xBF\xBD");                          // U+FFFF
}

}  // namespace
}  // namespace syncdrill
