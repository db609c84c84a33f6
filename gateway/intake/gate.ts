// Admission for the CPU- and memory-heavy part of intake (parse, policy) of large messages. Receiving
// stays concurrent (it waits on the network); processing twenty 20 MB messages at once on two cores is
// no faster than four at a time, only twenty times the memory.

export class ProcessingGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays counted.
      if (next) next();
      else this.active--;
    };
  }
}
