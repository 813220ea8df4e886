#!/bin/sh
# Submits a sharded compare to Slurm: the shards' job array, then its merge, which waits for
# every array task to succeed (afterok on the array's job id). Run it from the folder the shard
# files should go to; it prints the merge's job id. Extra arguments go to both sbatch calls
# (e.g. --partition=NAME).
set -eu
here=$(dirname "$0")
array_id=$(sbatch --parsable "$@" "$here/slurm-shards.sbatch")
# --parsable prints "jobid" or "jobid;cluster".
sbatch --parsable "$@" --dependency=afterok:"${array_id%%;*}" "$here/slurm-merge.sbatch"
