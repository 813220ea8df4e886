// The readers of tests/deploy/scale_out.hpp: each parses one engine's shipped files and lists
// what the split and the merge would lack on that engine.
#include "tests/deploy/scale_out.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace syncdrill::testing::deploy {
namespace {

namespace fs = std::filesystem;

bool is_shard_command(const std::string& c) {
  return c.starts_with("syncdrill compare ") || c.starts_with("syncdrill sweep ");
}

std::string text_of(const fs::path& root, const std::string& rel, Problems& p) {
  p.require(fs::exists(root / rel), rel + ": missing");
  return read_file(root / rel);
}

YAML::Node yaml_of(const fs::path& root, const std::string& rel, Problems& p) {
  p.require(fs::exists(root / rel), rel + ": missing");
  try {
    return YAML::LoadFile((root / rel).string());
  } catch (const YAML::Exception& e) {
    throw Problems::Fatal{rel + ": YAML: " + e.what()};
  }
}

// --- Kubernetes ------------------------------------------------------------------------------

YAML::Node only_container(const YAML::Node& job, Problems& p) {
  const YAML::Node containers = dig(job, {"spec", "template", "spec", "containers"});
  p.require(containers && containers.IsSequence() && containers.size() == 1,
            "a Job's Pod has one container");
  return containers[0];
}

void check_job_basics(const YAML::Node& job, const std::string& file, Problems& p) {
  p.expect(job["apiVersion"].as<std::string>("") == "batch/v1", file + ": apiVersion batch/v1");
  p.expect(job["kind"].as<std::string>("") == "Job", file + ": kind Job");
  p.require(has_scalar(dig(job, {"metadata", "name"})), file + ": metadata.name");
  const std::string restart =
      dig(job, {"spec", "template", "spec", "restartPolicy"}).as<std::string>("");
  p.expect(restart == "Never" || restart == "OnFailure",
           file + ": a Job's Pods say restartPolicy Never or OnFailure");
}

// Memory requested and limited, the limit at least the request: a shard that grows is killed
// alone, and the scheduler places Pods by the request.
void check_memory(const YAML::Node& container, const std::string& file, Problems& p) {
  const YAML::Node resources = container["resources"];
  const bool both = has_scalar(dig(resources, {"requests", "memory"})) &&
                    has_scalar(dig(resources, {"limits", "memory"}));
  p.expect(both, file + ": resources.requests.memory and resources.limits.memory");
  if (!both) return;
  p.expect(quantity_bytes(dig(resources, {"limits", "memory"}).Scalar(), p) >=
               quantity_bytes(dig(resources, {"requests", "memory"}).Scalar(), p),
           file + ": the memory limit is at least the request");
}

// The mount path of the volume that is claim `claim` in a Job's Pods ("" when none).
std::string claim_mount(const YAML::Node& job, const std::string& claim, Problems& p) {
  std::string volume;
  for (const YAML::Node& v : dig(job, {"spec", "template", "spec", "volumes"})) {
    if (dig(v, {"persistentVolumeClaim", "claimName"}).as<std::string>("") == claim)
      volume = v["name"].as<std::string>();
  }
  for (const YAML::Node& m : only_container(job, p)["volumeMounts"]) {
    if (!volume.empty() && m["name"].as<std::string>("") == volume)
      return without_slash(m["mountPath"].as<std::string>());
  }
  return "";
}

bool under(const std::string& path, const std::string& dir) {
  return !dir.empty() && (without_slash(path) == dir || path.starts_with(dir + "/"));
}

}  // namespace

ShardedCompare read_kubernetes(const fs::path& root, Problems& p) {
  ShardedCompare out;
  out.engine = "Kubernetes";
  const YAML::Node pvc = yaml_of(root, "deploy/kubernetes/shards-pvc.yaml", p);
  const YAML::Node shards = yaml_of(root, "deploy/kubernetes/shards-job.yaml", p);
  const YAML::Node merge = yaml_of(root, "deploy/kubernetes/merge-job.yaml", p);

  p.expect(pvc["apiVersion"].as<std::string>("") == "v1", "shards-pvc.yaml: apiVersion v1");
  p.expect(pvc["kind"].as<std::string>("") == "PersistentVolumeClaim",
           "shards-pvc.yaml: kind PersistentVolumeClaim");
  const std::string claim = dig(pvc, {"metadata", "name"}).as<std::string>("");
  p.require(!claim.empty(), "shards-pvc.yaml: metadata.name");
  std::vector<std::string> modes;
  for (const YAML::Node& m : dig(pvc, {"spec", "accessModes"}))
    modes.push_back(m.as<std::string>());
  p.expect(
      contains(modes, "ReadWriteMany"),
      "shards-pvc.yaml: accessModes ReadWriteMany (shard Pods on several nodes write at once)");
  p.expect(has_scalar(dig(pvc, {"spec", "resources", "requests", "storage"})),
           "shards-pvc.yaml: resources.requests.storage");

  check_job_basics(shards, "shards-job.yaml", p);
  const YAML::Node spec = shards["spec"];
  p.expect(
      spec["completionMode"].as<std::string>("") == "Indexed",
      "shards-job.yaml: completionMode Indexed (JOB_COMPLETION_INDEX is set in that mode only)");
  out.shards = spec["completions"].as<int>(0);
  p.require(out.shards >= 1, "shards-job.yaml: completions >= 1");
  const int parallelism = spec["parallelism"].as<int>(1);
  p.expect(parallelism >= 1 && parallelism <= out.shards,
           "shards-job.yaml: parallelism in 1..completions");
  const YAML::Node shard = only_container(shards, p);
  check_memory(shard, "shards-job.yaml", p);
  std::string shards_env;
  for (const YAML::Node& e : shard["env"]) {
    if (e["name"].as<std::string>("") == "SYNCDRILL_SHARDS")
      shards_env = e["value"].as<std::string>("");
  }
  p.expect(shards_env == std::to_string(out.shards),
           fmt::format("shards-job.yaml: SYNCDRILL_SHARDS ('{}') equals completions ({}): a Pod "
                       "does not see completions",
                       shards_env, out.shards));
  const std::string command = container_command(shard);
  p.require(is_shard_command(command), "shards-job.yaml: the container runs syncdrill compare");
  p.expect(flag(command, "--shard") == "auto", "shards-job.yaml: --shard auto");
  p.expect(flag(command, "--jobs") == "1",
           "shards-job.yaml: --jobs 1 (the resources are one run's)");
  out.shard_out = without_slash(flag(command, "--out").value_or(""));
  const std::string shard_mount = claim_mount(shards, claim, p);
  out.volume = shard_mount;
  p.expect(under(out.shard_out, shard_mount),
           fmt::format("shards-job.yaml: the shard files (--out {}) go to the claim {}, mounted "
                       "at '{}'",
                       out.shard_out, claim, shard_mount));
  for (int k = 1; k <= out.shards; ++k) {
    out.shard_command.push_back(command);
    out.shard_env.push_back(
        {{"JOB_COMPLETION_INDEX", std::to_string(k - 1)}, {"SYNCDRILL_SHARDS", shards_env}});
  }

  check_job_basics(merge, "merge-job.yaml", p);
  p.expect(!dig(merge, {"spec", "completionMode"}), "merge-job.yaml: one Pod, no completionMode");
  const YAML::Node merger = only_container(merge, p);
  check_memory(merger, "merge-job.yaml", p);
  p.expect(merger["image"].as<std::string>("") == shard["image"].as<std::string>("-"),
           "merge-job.yaml: the shards' image (merge refuses shards of another version)");
  out.merge_command = container_command(merger);
  p.require(out.merge_command.starts_with("syncdrill merge "),
            "merge-job.yaml: the container runs syncdrill merge");
  out.merge_in = merge_input(out.merge_command);
  p.expect(claim_mount(merge, claim, p) == shard_mount,
           "merge-job.yaml: mounts claim " + claim + " at the shards' path " + shard_mount);
  p.expect(out.merge_in == out.shard_out,
           "merge-job.yaml: merges " + out.merge_in + ", where the shards write " + out.shard_out);

  // Kubernetes has no dependency between Jobs: the README applies the merge Job once the
  // shards' Job is complete.
  const std::string readme = text_of(root, "deploy/README.md", p);
  const std::string wait = fmt::format("kubectl wait --for=condition=complete --timeout=1h job/{}",
                                       dig(shards, {"metadata", "name"}).as<std::string>());
  const size_t waited = readme.find(wait);
  const size_t applied = readme.find("kubectl apply -f deploy/kubernetes/merge-job.yaml");
  p.expect(waited != std::string::npos && applied != std::string::npos && waited < applied,
           "deploy/README.md: `" + wait + "` before applying merge-job.yaml");
  return out;
}

// --- GitHub Actions --------------------------------------------------------------------------

namespace {

std::string substituted(std::string text, int k, int n, Problems& p) {
  for (const auto& [from, to] :
       {std::pair{std::string("${{ matrix.shard }}"), std::to_string(k)},
        std::pair{std::string("${{ strategy.job-total }}"), std::to_string(n)}}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from))
      text.replace(at, from.size(), to);
  }
  p.expect(text.find("${{") == std::string::npos,
           "github-actions.yml: an expression the test cannot evaluate: " + text);
  return text;
}

std::vector<std::string> syncdrill_lines_of(const YAML::Node& script) {
  std::vector<std::string> lines;
  if (script && script.IsSequence()) {
    for (const YAML::Node& item : script)
      syncdrill_lines(item.as<std::string>(""), lines);
  } else {
    syncdrill_lines(script.as<std::string>(""), lines);
  }
  return lines;
}

void check_checkout_first(const YAML::Node& steps, const std::string& job, Problems& p) {
  bool checked_out = false;
  for (const YAML::Node& step : steps) {
    if (step["uses"].as<std::string>("").starts_with("actions/checkout@")) checked_out = true;
    if (!syncdrill_lines_of(step["run"]).empty())
      p.expect(checked_out, "github-actions.yml: job " + job + " checks out before syncdrill");
  }
}

}  // namespace

ShardedCompare read_github(const fs::path& root, Problems& p) {
  ShardedCompare out;
  out.engine = "GitHub Actions";
  const YAML::Node workflow = yaml_of(root, "examples/scale-out/github-actions.yml", p);
  p.expect(bool(workflow["on"]), "github-actions.yml: `on`");
  const YAML::Node jobs = workflow["jobs"];
  p.require(jobs && jobs.IsMap(), "github-actions.yml: jobs");
  std::string shard_id;
  std::string merge_id;
  for (const auto& job : jobs) {
    if (dig(job.second, {"strategy", "matrix"})) shard_id = job.first.as<std::string>();
  }
  p.require(!shard_id.empty(), "github-actions.yml: a job with strategy.matrix runs the shards");
  for (const auto& job : jobs) {
    const YAML::Node needs = job.second["needs"];
    const std::vector<std::string> needed =
        needs && needs.IsSequence() ? path_list(needs)
                                    : std::vector<std::string>{needs.as<std::string>("")};
    if (contains(needed, shard_id)) merge_id = job.first.as<std::string>();
  }
  p.require(!merge_id.empty(),
            "github-actions.yml: a job with `needs: " + shard_id + "` merges the shards");

  const YAML::Node shard = jobs[shard_id];
  std::vector<int> indexes;
  for (const YAML::Node& k : dig(shard, {"strategy", "matrix", "shard"}))
    indexes.push_back(k.as<int>());
  out.shards = static_cast<int>(indexes.size());
  p.require(out.shards >= 1, "github-actions.yml: strategy.matrix.shard lists the shards");
  for (int k = 1; k <= out.shards; ++k)
    p.expect(indexes[k - 1] == k, "github-actions.yml: matrix.shard is 1..N in order");
  check_checkout_first(shard["steps"], shard_id, p);
  std::string run;
  std::string upload_name;
  std::string upload_path;
  for (const YAML::Node& step : shard["steps"]) {
    for (const std::string& l : syncdrill_lines_of(step["run"])) {
      if (is_shard_command(l)) run = l;
    }
    if (step["uses"].as<std::string>("").starts_with("actions/upload-artifact@")) {
      p.require(!run.empty(), "github-actions.yml: the shard file is uploaded after the shard ran");
      upload_name = dig(step, {"with", "name"}).as<std::string>("");
      upload_path = dig(step, {"with", "path"}).as<std::string>("");
    }
  }
  p.require(!run.empty(), "github-actions.yml: job " + shard_id + " runs syncdrill compare");
  p.require(!upload_name.empty(), "github-actions.yml: job " + shard_id + " uploads an artifact");
  for (int k = 1; k <= out.shards; ++k) {
    const std::string command = substituted(run, k, out.shards, p);
    p.expect(flag(command, "--shard") == fmt::format("{}/{}", k, out.shards),
             fmt::format("github-actions.yml: matrix job {} runs --shard {}/{}", k, k, out.shards));
    out.shard_out = without_slash(flag(command, "--out").value_or("out"));
    const std::string file = shard_file(out.shard_out, k, out.shards);
    p.expect(path_covers(substituted(upload_path, k, out.shards, p), file),
             "github-actions.yml: upload-artifact's path keeps " + file);
    out.shard_command.push_back(command);
    out.shard_env.push_back({});
  }

  const YAML::Node merge = jobs[merge_id];
  check_checkout_first(merge["steps"], merge_id, p);
  bool downloaded = false;
  for (const YAML::Node& step : merge["steps"]) {
    if (step["uses"].as<std::string>("").starts_with("actions/download-artifact@")) {
      const std::string pattern = dig(step, {"with", "pattern"}).as<std::string>("");
      for (int k = 1; k <= out.shards; ++k) {
        const std::string name = substituted(upload_name, k, out.shards, p);
        p.expect(::fnmatch(pattern.c_str(), name.c_str(), 0) == 0,
                 "github-actions.yml: download-artifact's pattern '" + pattern + "' takes " + name);
      }
      // Without merge-multiple, each artifact lands in a folder of its own name.
      p.expect(dig(step, {"with", "merge-multiple"}).as<std::string>("") == "true",
               "github-actions.yml: download-artifact with merge-multiple: true");
      out.merge_in = without_slash(dig(step, {"with", "path"}).as<std::string>("."));
      downloaded = true;
    }
    for (const std::string& l : syncdrill_lines_of(step["run"])) {
      if (l.starts_with("syncdrill merge ")) {
        p.expect(downloaded, "github-actions.yml: the shard files are downloaded before merge");
        out.merge_command = l;
      }
    }
  }
  p.require(!out.merge_command.empty(), "github-actions.yml: job " + merge_id + " runs merge");
  p.expect(merge_input(out.merge_command) == out.merge_in,
           "github-actions.yml: merge reads the folder the artifacts are downloaded to (" +
               out.merge_in + ")");
  return out;
}

// --- GitLab CI -------------------------------------------------------------------------------

ShardedCompare read_gitlab(const fs::path& root, Problems& p) {
  ShardedCompare out;
  out.engine = "GitLab CI";
  const YAML::Node pipeline = yaml_of(root, "examples/scale-out/gitlab-ci.yml", p);
  std::vector<std::string> stages;
  for (const YAML::Node& s : pipeline["stages"])
    stages.push_back(s.as<std::string>());
  const auto stage_of = [&](const YAML::Node& job) {
    const std::string name = job["stage"].as<std::string>("test");
    const auto at = std::find(stages.begin(), stages.end(), name);
    p.require(at != stages.end(), "gitlab-ci.yml: stage " + name + " is not in `stages`");
    return at - stages.begin();
  };
  std::string shard_id;
  for (const auto& job : pipeline) {
    if (job.second.IsMap() && job.second["parallel"]) shard_id = job.first.as<std::string>();
  }
  p.require(!shard_id.empty(), "gitlab-ci.yml: a job with `parallel:` runs the shards");
  const YAML::Node shard = pipeline[shard_id];
  out.shards = shard["parallel"].as<int>(0);
  p.require(out.shards >= 2 && out.shards <= 200, "gitlab-ci.yml: parallel: takes 2 to 200");
  std::string run;
  for (const std::string& l : syncdrill_lines_of(shard["script"])) {
    if (is_shard_command(l)) run = l;
  }
  p.require(!run.empty(), "gitlab-ci.yml: job " + shard_id + " runs syncdrill compare");
  p.expect(flag(run, "--shard") == "auto",
           "gitlab-ci.yml: --shard auto (CI_NODE_INDEX, CI_NODE_TOTAL)");
  out.shard_out = without_slash(flag(run, "--out").value_or("out"));
  const std::vector<std::string> paths = path_list(dig(shard, {"artifacts", "paths"}));
  for (int k = 1; k <= out.shards; ++k) {
    const std::string file = shard_file(out.shard_out, k, out.shards);
    p.expect(std::any_of(paths.begin(), paths.end(),
                         [&](const std::string& path) { return path_covers(path, file); }),
             "gitlab-ci.yml: artifacts:paths keep " + file);
    out.shard_command.push_back(run);
    out.shard_env.push_back(
        {{"CI_NODE_INDEX", std::to_string(k)}, {"CI_NODE_TOTAL", std::to_string(out.shards)}});
  }

  std::string merge_id;
  for (const auto& job : pipeline) {
    const YAML::Node needs = job.second.IsMap() ? job.second["needs"] : YAML::Node();
    if (!needs || !needs.IsSequence()) continue;
    for (const YAML::Node& need : needs) {
      const bool named =
          need.IsScalar() ? need.Scalar() == shard_id : need["job"].as<std::string>("") == shard_id;
      if (!named) continue;
      p.expect(need.IsScalar() || need["artifacts"].as<std::string>("true") == "true",
               "gitlab-ci.yml: the merge needs the shards' artifacts");
      merge_id = job.first.as<std::string>();
    }
  }
  p.require(!merge_id.empty(), "gitlab-ci.yml: a job with `needs: [" + shard_id +
                                   "]` merges the shards (every job of its parallel:)");
  const YAML::Node merge = pipeline[merge_id];
  p.expect(stage_of(merge) > stage_of(shard), "gitlab-ci.yml: the merge's stage comes later");
  for (const std::string& l : syncdrill_lines_of(merge["script"])) {
    if (l.starts_with("syncdrill merge ")) out.merge_command = l;
  }
  p.require(!out.merge_command.empty(), "gitlab-ci.yml: job " + merge_id + " runs merge");
  // Artifacts are unpacked at the paths they were kept from.
  out.merge_in = merge_input(out.merge_command);
  p.expect(out.merge_in == out.shard_out, "gitlab-ci.yml: merge reads " + out.merge_in +
                                              ", where the shards write " + out.shard_out);
  return out;
}

// --- Slurm -----------------------------------------------------------------------------------

namespace {

// `#SBATCH --key=value` lines of a batch script.
std::map<std::string, std::string> sbatch_options(const std::string& script) {
  std::map<std::string, std::string> out;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#SBATCH --")) continue;
    const std::string option = trimmed(line.substr(8));
    const size_t eq = option.find('=');
    out[option.substr(0, eq)] = eq == std::string::npos ? "" : option.substr(eq + 1);
  }
  return out;
}

// The task ids of `--array=1-3`, `0-2`, `1,2,3` or `1-8%4` (at most 4 at once).
std::vector<int> array_ids(std::string spec, Problems& p) {
  spec = spec.substr(0, spec.find('%'));
  p.require(spec.find(':') == std::string::npos,
            "slurm-shards.sbatch: a stepped --array (" + spec + ") leaves gaps in 1..N");
  p.require(!spec.empty() && spec.find_first_not_of("0123456789-,") == std::string::npos,
            "slurm-shards.sbatch: --array=" + spec + " is not a list of ids and ranges");
  std::vector<int> ids;
  std::istringstream parts(spec);
  for (std::string part; std::getline(parts, part, ',');) {
    p.require(!part.empty() && part[0] != '-', "slurm-shards.sbatch: --array=" + spec);
    const size_t dash = part.find('-');
    const int first = std::stoi(part.substr(0, dash));
    const int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
    p.require(last >= first && last - first < 100000, "slurm-shards.sbatch: --array=" + spec);
    for (int id = first; id <= last; ++id)
      ids.push_back(id);
  }
  return ids;
}

std::string only_syncdrill_line(const std::string& script, const std::string& file, Problems& p) {
  std::vector<std::string> lines;
  syncdrill_lines(script, lines);
  p.require(lines.size() == 1, file + ": one syncdrill line");
  return lines[0];
}

}  // namespace

ShardedCompare read_slurm(const fs::path& root, Problems& p) {
  ShardedCompare out;
  out.engine = "Slurm";
  const std::string shards = text_of(root, "examples/scale-out/slurm-shards.sbatch", p);
  const std::string merge = text_of(root, "examples/scale-out/slurm-merge.sbatch", p);
  const std::string submit = text_of(root, "examples/scale-out/slurm-submit.sh", p);
  p.expect(shards.starts_with("#!/bin/bash\n"), "slurm-shards.sbatch: #!/bin/bash first");
  p.expect(merge.starts_with("#!/bin/bash\n"), "slurm-merge.sbatch: #!/bin/bash first");

  const std::map<std::string, std::string> options = sbatch_options(shards);
  p.require(options.count("--array") == 1, "slurm-shards.sbatch: #SBATCH --array=");
  const std::vector<int> ids = array_ids(options.at("--array"), p);
  out.shards = static_cast<int>(ids.size());
  p.require(std::set<int>(ids.begin(), ids.end()).size() == ids.size() &&
                ids.back() - ids.front() + 1 == out.shards,
            "slurm-shards.sbatch: --array ids are consecutive (K = ID - MIN + 1)");
  p.expect(options.count("--mem") == 1, "slurm-shards.sbatch: #SBATCH --mem=");
  p.expect(options.count("--cpus-per-task") == 1, "slurm-shards.sbatch: #SBATCH --cpus-per-task=");
  const std::string run = only_syncdrill_line(shards, "slurm-shards.sbatch", p);
  p.require(is_shard_command(run), "slurm-shards.sbatch: runs syncdrill compare");
  p.expect(flag(run, "--shard") == "auto",
           "slurm-shards.sbatch: --shard auto (SLURM_ARRAY_TASK_ID, _MIN, _COUNT)");
  p.expect(
      options.count("--cpus-per-task") == 1 && flag(run, "--jobs") == options.at("--cpus-per-task"),
      "slurm-shards.sbatch: --jobs equals --cpus-per-task");
  out.shard_out = without_slash(flag(run, "--out").value_or("out"));
  for (const int id : ids) {
    out.shard_command.push_back(run);
    out.shard_env.push_back({{"SLURM_ARRAY_TASK_ID", std::to_string(id)},
                             {"SLURM_ARRAY_TASK_MIN", std::to_string(ids.front())},
                             {"SLURM_ARRAY_TASK_MAX", std::to_string(ids.back())},
                             {"SLURM_ARRAY_TASK_COUNT", std::to_string(out.shards)}});
  }

  p.expect(sbatch_options(merge).count("--array") == 0, "slurm-merge.sbatch: no --array");
  out.merge_command = only_syncdrill_line(merge, "slurm-merge.sbatch", p);
  p.require(out.merge_command.starts_with("syncdrill merge "), "slurm-merge.sbatch: runs merge");
  // Both jobs run in the folder they are submitted from.
  out.merge_in = merge_input(out.merge_command);
  p.expect(out.merge_in == out.shard_out, "slurm-merge.sbatch: merges " + out.merge_in +
                                              ", where the shards write " + out.shard_out);

  // The merge is submitted after the array, held until every task of it exited 0.
  const size_t array_at =
      submit.find("array_id=$(sbatch --parsable \"$@\" \"$here/slurm-shards.sbatch\")");
  const size_t merge_at = submit.find(
      "sbatch --parsable \"$@\" --dependency=afterok:\"${array_id%%;*}\" "
      "\"$here/slurm-merge.sbatch\"");
  p.expect(array_at != std::string::npos && merge_at != std::string::npos && array_at < merge_at,
           "slurm-submit.sh: submits the array, then the merge with "
           "--dependency=afterok:<the array's id>");
  p.expect((fs::status(root / "examples/scale-out/slurm-submit.sh").permissions() &
            fs::perms::owner_exec) != fs::perms::none,
           "slurm-submit.sh: executable");
  return out;
}

}  // namespace syncdrill::testing::deploy
