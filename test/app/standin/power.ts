// Stand-in for Electron's powerMonitor: the harness emits suspend, resume, lock/unlock and shutdown as the
// OS would, and records whether a listener called preventDefault (for shutdown: "delay it, I am quitting").
import { EventEmitter } from 'node:events';
import { preventable, provide, record } from './control.js';

export class StandinPowerMonitor extends EventEmitter {
  getSystemIdleState(): string {
    return 'active';
  }

  getSystemIdleTime(): number {
    return 0;
  }

  getCurrentThermalState(): string {
    return 'nominal';
  }

  isOnBatteryPower(): boolean {
    return false;
  }

  get onBatteryPower(): boolean {
    return false;
  }
}

export const powerMonitor = new StandinPowerMonitor();

provide({
  emitPower(event) {
    const e = preventable();
    powerMonitor.emit(event, e);
    record('power.event', { event, prevented: e.defaultPrevented });
    return { prevented: e.defaultPrevented };
  },
});
