// The baseline of bench/sweep_speed.py: TensorFlow Playground's training algorithm in plain
// JavaScript, written here from its description (not its code), run under node.
//
// The algorithm (TF Playground's nn.ts): a network of neuron objects joined by link objects.
// For every training point, one at a time: forward (each neuron sums bias + weight * input
// over its input links and applies its activation), backprop (the output neurons' error
// derivative, then layer by layer back: each neuron's derivative times its activation's
// derivative, accumulated into the neuron's bias derivative and into each input link's
// weight derivative), and after every `batch` points an update: each bias and weight moves
// by -lr times its accumulated derivative divided by how many were accumulated, which are
// then reset. Playground defaults: tanh, learning rate 0.03, batch 10, weights uniform in
// [-0.5, 0.5], biases 0.1, square error 1/2 (o - t)^2, two-class spiral of 500 points with
// half of them (250) for training. The net here is 2-8-8-2 (tanh everywhere, targets +-1
// one per class) to match the PyTorch side's 2-8-8-2; the Playground itself ends in one
// tanh unit, which costs a little less.
//
//     node bench/js/tfp_net.mjs [--epochs 200] [--points 500] [--seed 1]
// prints one JSON line: steps (batches of 10), seconds, steps_per_s, epochs_per_s, final
// training loss and accuracy.

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const EPOCHS = Number(args.epochs ?? 200);
const POINTS = Number(args.points ?? 500);
const BATCH = Number(args.batch ?? 10);
const LR = Number(args.lr ?? 0.03);
const SHAPE = [2, 8, 8, 2];

// A small seeded generator (mulberry32) so that runs are repeatable.
let state = Number(args.seed ?? 1) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// Two interleaved spiral arms, radius growing to 5 over 1.75 turns, uniform noise.
function spiral(n, noise) {
  const points = [];
  for (const [label, shift] of [
    [0, 0],
    [1, Math.PI],
  ]) {
    for (let i = 0; i < n / 2; i++) {
      const r = (i / (n / 2)) * 5;
      const angle = 1.75 * (i / (n / 2)) * 2 * Math.PI + shift;
      const jitter = () => (random() * 2 - 1) * noise;
      points.push({ x: [r * Math.sin(angle) + jitter(), r * Math.cos(angle) + jitter()], label });
    }
  }
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [points[i], points[j]] = [points[j], points[i]];
  }
  return points;
}

const tanh = { f: (x) => Math.tanh(x), df: (x) => 1 - Math.tanh(x) ** 2 };

class Neuron {
  constructor() {
    this.bias = 0.1;
    this.inLinks = [];
    this.outLinks = [];
    this.total = 0; // bias + weighted inputs
    this.out = 0;
    this.dOut = 0; // d error / d output
    this.dIn = 0; // d error / d total input
    this.accBias = 0;
    this.nBias = 0;
  }
  forward() {
    let total = this.bias;
    for (const link of this.inLinks) total += link.weight * link.from.out;
    this.total = total;
    this.out = tanh.f(total);
  }
}

class Link {
  constructor(from, to) {
    this.from = from;
    this.to = to;
    this.weight = random() - 0.5;
    this.acc = 0;
    this.n = 0;
  }
}

function build(shape) {
  const layers = shape.map((width) => Array.from({ length: width }, () => new Neuron()));
  for (let l = 1; l < layers.length; l++) {
    for (const to of layers[l]) {
      for (const from of layers[l - 1]) {
        const link = new Link(from, to);
        to.inLinks.push(link);
        from.outLinks.push(link);
      }
    }
  }
  return layers;
}

function forward(layers, x) {
  layers[0].forEach((n, i) => {
    n.out = x[i];
  });
  for (let l = 1; l < layers.length; l++) for (const n of layers[l]) n.forward();
  return layers[layers.length - 1].map((n) => n.out);
}

function backward(layers, target) {
  const last = layers[layers.length - 1];
  last.forEach((n, k) => {
    n.dOut = n.out - target[k]; // derivative of 1/2 (o - t)^2
  });
  for (let l = layers.length - 1; l >= 1; l--) {
    for (const n of layers[l]) {
      n.dIn = n.dOut * tanh.df(n.total);
      n.accBias += n.dIn;
      n.nBias++;
      for (const link of n.inLinks) {
        link.acc += n.dIn * link.from.out;
        link.n++;
      }
    }
    if (l === 1) break; // the inputs need no derivative
    for (const n of layers[l - 1]) {
      let d = 0;
      for (const link of n.outLinks) d += link.weight * link.to.dIn;
      n.dOut = d;
    }
  }
}

function update(layers, lr) {
  for (let l = 1; l < layers.length; l++) {
    for (const n of layers[l]) {
      if (n.nBias > 0) {
        n.bias -= (lr * n.accBias) / n.nBias;
        n.accBias = 0;
        n.nBias = 0;
      }
      for (const link of n.inLinks) {
        if (link.n > 0) {
          link.weight -= (lr / link.n) * link.acc;
          link.acc = 0;
          link.n = 0;
        }
      }
    }
  }
}

const targetOf = (label) => [label === 0 ? 1 : -1, label === 1 ? 1 : -1];

function epoch(layers, train) {
  let steps = 0;
  train.forEach((p, i) => {
    forward(layers, p.x);
    backward(layers, targetOf(p.label));
    if ((i + 1) % BATCH === 0) {
      update(layers, LR);
      steps++;
    }
  });
  return steps;
}

function measure(layers, points) {
  let loss = 0;
  let hits = 0;
  for (const p of points) {
    const out = forward(layers, p.x);
    const t = targetOf(p.label);
    loss += out.reduce((s, o, k) => s + 0.5 * (o - t[k]) ** 2, 0);
    hits += (out[1] > out[0] ? 1 : 0) === p.label ? 1 : 0;
  }
  return { loss: loss / points.length, accuracy: hits / points.length };
}

const data = spiral(POINTS, 0.5); // uniform noise of +-0.5 on each coordinate
const train = data.slice(0, POINTS / 2);
const net = build(SHAPE);
for (let e = 0; e < 5; e++) epoch(net, train); // warm-up: let the JIT compile the loop
const started = process.hrtime.bigint();
let steps = 0;
for (let e = 0; e < EPOCHS; e++) steps += epoch(net, train);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const final = measure(net, train);
console.log(
  JSON.stringify({
    steps,
    seconds,
    steps_per_s: steps / seconds,
    epochs_per_s: EPOCHS / seconds,
    train_loss: final.loss,
    train_accuracy: final.accuracy,
  }),
);
