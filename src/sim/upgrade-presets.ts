/**
 * Named upgrade states for `nacos-sim --upgrade I=STATE`: the stages of the 1.x -> 2.x rolling
 * upgrade guide as the upgrade ops metrics (`/v1/ns/upgrade/ops/metrics`) and the member list's
 * `readyToUpgrade` show them, so an operator can point `nacos-doctor upgrade` at the sim. They
 * only mean something on members playing 2.0.2-2.1.x, the versions with that API.
 */
import type { UpgradeState } from './member-state.js';

export interface UpgradePreset {
  readonly describe: string;
  readonly state: Partial<UpgradeState>;
}

/** In guide order; `done` is what a member shows without --upgrade. */
export const UPGRADE_PRESETS: Readonly<Record<string, UpgradePreset>> = Object.freeze({
  'not-ready': {
    describe: 'still on the 1.x protocol, copying its 1.x data, 12 tasks pending; readyToUpgrade false',
    state: { readyToUpgrade: false, metrics: { upgraded: false, isAll20XVersion: false, isDoubleWriteEnabled: true, doubleWriteDelayTaskCount: 12 } },
  },
  ready: {
    describe: 'data copied, readyToUpgrade; waits for the other members, so not upgraded yet',
    state: { readyToUpgrade: true, metrics: { upgraded: false, isAll20XVersion: true, isDoubleWriteEnabled: true, doubleWriteDelayTaskCount: 0 } },
  },
  'double-write': {
    describe: 'on the 2.x protocol, double write still on: the last step of the guide is left',
    state: { readyToUpgrade: true, metrics: { isDoubleWriteEnabled: true } },
  },
  leftover: {
    describe: 'double write on; 1.x data has a service 2.x data lacks (for --diff): leftover',
    state: { readyToUpgrade: true, metrics: { isDoubleWriteEnabled: true }, servicesV1: ['public##DEFAULT_GROUP@@leftover'] },
  },
  done: {
    describe: 'upgraded, double write off: what a member shows without --upgrade',
    state: {},
  },
});
