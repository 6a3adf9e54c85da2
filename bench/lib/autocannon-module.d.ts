// The part of autocannon 9's programmatic API the benchmarks use (the package ships no types).
declare module "autocannon" {
  interface Request {
    setupRequest?(request: Record<string, unknown>, context: Record<string, unknown>): Record<string, unknown>;
    onResponse?(status: number, body: string, context: Record<string, unknown>): void;
  }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    connections?: number;
    duration?: number;
    requests?: Request[];
  }
  interface Histogram {
    p50: number;
    p90: number;
    p99: number;
    max: number;
  }
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: Histogram;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
