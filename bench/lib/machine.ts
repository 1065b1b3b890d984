import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';

/** La machine d'un lancement, telle que la consigne docs/PERFORMANCE.md. */
export interface MachineInfo {
  nproc: number;
  cpu: string;
  ramGiB: number;
  node: string;
  postgres: string;
  kernel: string;
}

export async function describeMachine(databaseUrl: string): Promise<MachineInfo> {
  let postgres = 'inconnue';
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    postgres = rows[0]?.server_version ?? postgres;
  } finally {
    await client.end().catch(() => {});
  }
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // nproc absent : le compte de Node suffit.
  }
  return {
    nproc,
    cpu: os.cpus()[0]?.model.trim() ?? 'inconnu',
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres,
    kernel: os.release(),
  };
}

export function formatMachine(info: MachineInfo): string {
  return `machine : ${info.nproc} cœurs (${info.cpu}), ${info.ramGiB} Gio de RAM, Node ${info.node}, PostgreSQL ${info.postgres}, noyau ${info.kernel}`;
}

/** Charge moyenne (1, 5, 15 min) de /proc/loadavg. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [one ?? Number.NaN, five ?? Number.NaN, fifteen ?? Number.NaN];
}

export interface LoadReport {
  start: [number, number, number];
  end: [number, number, number];
  /** Maximum et moyenne de la charge à 1 min relevée toutes les 5 s pendant le lancement. */
  max1: number;
  mean1: number;
  /**
   * Part des processeurs de la machine prise par des processus étrangers au banc (ni le banc, ni
   * ses processus fils, ni les connexions PostgreSQL à ses bases ip_bench*), de 0 à 1 : le bruit.
   */
  foreignCpu: number;
  /** Part prise par le banc lui-même (processus et connexions PostgreSQL). */
  benchCpu: number;
}

/** Temps processeur (en tops d'horloge) et parenté de chaque processus vivant. */
function processTable(): Map<number, { ppid: number; ticks: number; command: string }> {
  const table = new Map<number, { ppid: number; ticks: number; command: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), command });
    } catch {
      // Processus terminé entre la liste et la lecture.
    }
  }
  return table;
}

/**
 * Compte, relevé après relevé, le temps processeur de chaque processus, attribué au banc (ce
 * processus, ses descendants, les connexions PostgreSQL à une base ip_bench*) ou au reste de la
 * machine. Un processus né et mort entre deux relevés (2 s) échappe au compte : le bruit mesuré
 * est un minimum.
 */
class CpuAttribution {
  private last = new Map<number, number>();
  bench = 0;
  foreign = 0;
  private readonly started = machineCpuSnapshot();

  sample() {
    const table = processTable();
    const mine = new Set<number>([process.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, info] of table) {
        if (!mine.has(pid) && mine.has(info.ppid)) {
          mine.add(pid);
          grew = true;
        }
      }
    }
    const next = new Map<number, number>();
    for (const [pid, info] of table) {
      const delta = info.ticks - (this.last.get(pid) ?? (this.last.size === 0 ? info.ticks : 0));
      next.set(pid, info.ticks);
      if (delta <= 0) continue;
      if (mine.has(pid) || /postgres: .*ip_bench/.test(info.command)) this.bench += delta;
      else this.foreign += delta;
    }
    this.last = next;
  }

  shares(): { bench: number; foreign: number } {
    const now = machineCpuSnapshot();
    const total = now.total - this.started.total;
    return { bench: total > 0 ? this.bench / total : Number.NaN, foreign: total > 0 ? this.foreign / total : Number.NaN };
  }
}

/**
 * Relève la charge de la machine pendant un lancement : au début, toutes les 5 s, à la fin.
 * La machine est partagée ; ces chiffres disent dans quelles conditions la mesure a été prise.
 */
export class LoadMonitor {
  private readonly start = loadAverage();
  private readonly samples: number[] = [this.start[0]];
  private readonly attribution = new CpuAttribution();
  private readonly timer = setInterval(() => this.samples.push(loadAverage()[0]), 5000);
  private readonly cpuTimer = setInterval(() => this.attribution.sample(), 2000);

  constructor() {
    this.timer.unref();
    this.cpuTimer.unref();
    this.attribution.sample();
    console.info(`charge au début : ${this.start.join(' ')}`);
  }

  stop(): LoadReport {
    clearInterval(this.timer);
    clearInterval(this.cpuTimer);
    this.attribution.sample();
    const end = loadAverage();
    this.samples.push(end[0]);
    const shares = this.attribution.shares();
    const report = {
      start: this.start,
      end,
      max1: Math.max(...this.samples),
      mean1: Math.round((this.samples.reduce((a, b) => a + b, 0) / this.samples.length) * 100) / 100,
      foreignCpu: Math.round(shares.foreign * 1000) / 1000,
      benchCpu: Math.round(shares.bench * 1000) / 1000,
    };
    console.info(
      `charge à la fin : ${end.join(' ')} (à 1 min pendant le lancement : moyenne ${report.mean1}, maximum ${report.max1}, banc compris) ; ` +
        `processeurs pris par le banc ${Math.round(report.benchCpu * 100)} %, par le reste de la machine ${Math.round(report.foreignCpu * 100)} %`,
    );
    return report;
  }
}

/** Temps processeur (utilisateur + système) d'un processus, en secondes. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** Relevé de /proc/stat : le temps occupé de toute la machine, pour dire si elle était saturée. */
export function machineCpuSnapshot(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Part occupée des processeurs de la machine entre deux relevés (0 à 1). */
export function machineBusyShare(from: { busy: number; total: number }, to: { busy: number; total: number }): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : Number.NaN;
}
