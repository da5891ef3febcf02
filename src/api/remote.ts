/**
 * The coordination-remote verbs, one module each (init, deinit, sync,
 * doctor), gathered here so that the api index loads them, and the ref,
 * object and push code they bring, in one lazy step on first use.
 */
export { init, type InitOptions, type InitResult } from './init.js';
export { deinit, type DeinitOptions, type DeinitResult } from './deinit.js';
export { sync, type SyncResult } from './sync.js';
export { doctor, type DoctorCheck } from './doctor.js';
