// The live report tests' drill (reports/live_report.hpp): 60 scenario seconds at time scale 20,
// an OMS fault from 10 s to 20 s that acted, was caught by an ack at 15 s and served again at 22 s,
// and an ERP fault from 30 s, still in force at the end, that acted and nobody caught. Each test
// adds what it reads (series, checks, orders).
#pragma once

#include "reports/live_report.hpp"

namespace syncdrill::testing {

inline LiveResult live_fixture() {
  LiveResult r;
  r.scenario_name = "live-drill";
  r.version = "test";
  r.scenario_s = 60;
  r.wall_s = 3;
  r.time_scale = 20;
  LiveFaultOutcome oms;
  oms.id = "oms-hang";
  oms.kind = "timeout";
  oms.targets = {"oms"};
  oms.from_scenario = false;
  oms.exercised = true;
  oms.hits = 4;
  oms.tier = "orders";
  oms.start = SimTime{} + seconds(10);
  oms.end = SimTime{} + seconds(20);
  LiveFaultOutcome erp = oms;
  erp.id = "erp-burst";
  erp.kind = "error_burst";
  erp.targets = {"erp"};
  erp.start = SimTime{} + seconds(30);
  erp.end.reset();  // still in force at the end
  r.faults = {oms, erp};
  // Their incidents, as the observer scores them.
  FaultIncident caught;
  caught.fault_id = oms.id;
  caught.onset = oms.start;
  caught.ended = *oms.end;
  caught.detected = SimTime{} + seconds(15);  // the ack that caught it
  caught.mttd = seconds(5);
  caught.restored = caught.repaired = caught.recovered = SimTime{} + seconds(22);
  caught.mttr = seconds(12);
  FaultIncident missed;
  missed.fault_id = erp.id;
  missed.onset = erp.start;
  missed.ended = SimTime{} + seconds(60);
  missed.recovery_note = "the fault was still in force when the drill ended";
  r.score.incidents = {caught, missed};
  r.acks = {LiveAck{*caught.detected, "pager <OMS>", oms.id}};
  return r;
}

}  // namespace syncdrill::testing
