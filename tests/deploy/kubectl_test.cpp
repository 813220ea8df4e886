// kubectl's own reading of deploy/kubernetes/, with no cluster. `kubectl create --dry-run=client`
// and `kubectl apply --dry-run=client` still ask a server for the API's resource list (kubectl
// 1.20 fails with "connection refused" on localhost:8080), so neither works offline. What does:
// `kubectl set env --local -f JOB -o yaml` decodes a Job into kubectl's compiled-in batch/v1
// types, edits its Pod template and prints it back, and a field those types do not have (a
// misspelt one) is dropped on the way. So every field of the manifest must come back; one that
// does not is reported. A field newer than the client is expected to be dropped by it: Debian 12's
// kubectl 1.20 predates `completionMode` (Kubernetes 1.21). The claim has no Pod template:
// `kubectl label --local` only parses it (YAML and kind), without the types.
//
// kubectl: $SYNCDRILL_KUBECTL, else the one on PATH (scripts/install-kubectl installs Debian's
// kubernetes-client; `make test` runs it). Without kubectl the test prints "SKIPPED: kubectl not
// found" and CTest reports it skipped.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "tests/deploy/scale_out.hpp"

namespace syncdrill::testing::deploy {
namespace {

namespace fs = std::filesystem;

struct Kubectl {
  std::string path;
  int minor = 0;  // 1.<minor>
};

std::optional<Kubectl> find_kubectl(const Scratch& s) {
  const char* env = std::getenv("SYNCDRILL_KUBECTL");
  std::string path = env != nullptr ? env : "";
  if (path.empty()) {
    const CliRun which = s.shell("command -v kubectl");
    if (which.exit_code != 0) return std::nullopt;
    path = trimmed(which.out.substr(0, which.out.find('\n')));
  }
  const CliRun version = s.shell(fmt::format("'{}' version --client -o json", path));
  if (version.exit_code != 0) return std::nullopt;
  const nlohmann::json v = nlohmann::json::parse(version.out, nullptr, false);
  if (v.is_discarded()) return std::nullopt;
  // "minor": "20" or "32+"
  const std::string minor = v["clientVersion"].value("minor", "0");
  return Kubectl{path, std::atoi(minor.c_str())};
}

// Fields of the manifests that a client older than 1.<minor> does not know.
const std::map<std::string, int> kNewerThanClient{{"spec.completionMode", 21}};

// Every key path of `in` that `out` lacks ("spec.template.spec.containers[0].resources").
void missing_keys(const YAML::Node& in, const YAML::Node& out, const std::string& at,
                  std::vector<std::string>& missing) {
  if (in.IsMap()) {
    for (const auto& kv : in) {
      const std::string key = kv.first.as<std::string>();
      const std::string path = at.empty() ? key : at + "." + key;
      if (!out.IsMap() || !out[key]) {
        missing.push_back(path);
        continue;
      }
      missing_keys(kv.second, out[key], path, missing);
    }
  } else if (in.IsSequence()) {
    for (size_t i = 0; i < in.size(); ++i) {
      const std::string path = fmt::format("{}[{}]", at, i);
      if (!out.IsSequence() || i >= out.size()) {
        missing.push_back(path);
        continue;
      }
      missing_keys(in[i], out[i], path, missing);
    }
  }
}

// What kubectl dropped from a Job, less the fields it is too old to know.
std::vector<std::string> dropped_by(const Kubectl& k, const Scratch& s, const fs::path& job) {
  const CliRun r = s.shell(fmt::format(
      "env -u KUBECONFIG HOME='{}' '{}' set env --local -f '{}' SYNCDRILL_CHECKED=1 -o yaml",
      s.dir().string(), k.path, job.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const YAML::Node out = YAML::Load(r.out);
  // kubectl did edit the Pod template: it read the Job as a Job.
  const YAML::Node env = out["spec"]["template"]["spec"]["containers"][0]["env"];
  REQUIRE(env.IsSequence());
  CHECK(env[env.size() - 1]["name"].as<std::string>("") == "SYNCDRILL_CHECKED");
  std::vector<std::string> missing;
  missing_keys(YAML::LoadFile(job.string()), out, "", missing);
  std::vector<std::string> unexpected;
  for (const std::string& m : missing) {
    const auto newer = kNewerThanClient.find(m);
    if (newer != kNewerThanClient.end() && k.minor < newer->second) {
      MESSAGE(job.filename().string(), ": kubectl 1.", k.minor, " drops ", m, " (Kubernetes 1.",
              newer->second, " and later): not checked by this client");
      continue;
    }
    unexpected.push_back(m);
  }
  return unexpected;
}

TEST_CASE("kubectl reads the Kubernetes manifests without a cluster, dropping no field") {
  Scratch s("deploy-kubectl");
  const std::optional<Kubectl> kubectl = find_kubectl(s);
  if (!kubectl) {
    std::cout << "SKIPPED: kubectl not found (scripts/install-kubectl installs Debian's "
                 "kubernetes-client; or set SYNCDRILL_KUBECTL)\n";
    return;
  }
  MESSAGE("kubectl ", kubectl->path, " (client 1.", kubectl->minor, ")");
  for (const std::string job : {"shards-job.yaml", "merge-job.yaml"}) {
    CAPTURE(job);
    const std::vector<std::string> dropped =
        dropped_by(*kubectl, s, source_path("deploy/kubernetes/" + job));
    CHECK_MESSAGE(dropped.empty(), "kubectl dropped (unknown to batch/v1): ",
                  fmt::format("{}", fmt::join(dropped, ", ")));
  }
  const CliRun claim = s.shell(fmt::format(
      "env -u KUBECONFIG HOME='{}' '{}' label --local -f '{}' syncdrill-checked=1 -o name",
      s.dir().string(), kubectl->path, source_path("deploy/kubernetes/shards-pvc.yaml")));
  INFO(claim.err);
  CHECK(claim.exit_code == 0);
  CHECK(claim.out == "persistentvolumeclaim/syncdrill-shards\n");

  // The check can fail: a misspelt field is dropped by kubectl and named.
  std::string text = read_file(source_path("deploy/kubernetes/shards-job.yaml"));
  text.replace(text.find("backoffLimit:"), 13, "backofLimit:");
  text.replace(text.find("mountPath: /shards"), 18, "mountpath: /shards");
  std::ofstream(s / "misspelt.yaml") << text;
  const std::vector<std::string> misspelt = dropped_by(*kubectl, s, s / "misspelt.yaml");
  const std::vector<std::string> expected{
      "spec.backofLimit", "spec.template.spec.containers[0].volumeMounts[0].mountpath"};
  CHECK_MESSAGE(misspelt == expected, fmt::format("{}", fmt::join(misspelt, ", ")));
  // ... and a file that is not YAML is refused.
  std::ofstream(s / "broken.yaml") << "apiVersion: batch/v1\nkind: Job\nspec: [\n";
  const CliRun broken =
      s.shell(fmt::format("env -u KUBECONFIG HOME='{}' '{}' set env --local -f "
                          "broken.yaml X=1 -o yaml",
                          s.dir().string(), kubectl->path));
  CHECK(broken.exit_code != 0);
}

}  // namespace
}  // namespace syncdrill::testing::deploy
