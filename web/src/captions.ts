/** What the page says under the readout: which step trains and how fast, and what the weight pictures show. */
import type { Progress } from './protocol.js';

/**
 * The step that trains (and why it is not the one asked for), and how long the run takes,
 * said before a slow one surprises anyone.
 * @example engineText(progress) // 'The span step trains this model. About 3 ms an update.'
 */
export function engineText(p: Progress): string {
  if (p.engine === null) return '';
  const step = `The ${p.engine.engine} step trains this model${p.engine.note !== undefined ? `: ${p.engine.note}.` : '.'}`;
  const s = p.secondsPerUpdate;
  if (s <= 0) return step;
  const total = s * p.updatesPer * Math.max(0, p.target - p.iteration);
  const left = total < 1 ? '' : `; the ${p.target - p.iteration} ${p.unit}${p.target - p.iteration === 1 ? '' : 's'} left take about ${total < 90 ? `${Math.round(total)} s` : `${Math.round(total / 60)} min`}`;
  return `${step} About ${s < 0.001 ? (s * 1000).toFixed(2) : Math.round(s * 1000)} ms an update${left}.`;
}

/**
 * The weight pictures' caption, sized by the data's images (h, w, c).
 * @example weightsCaption(20, [64, 64, 3]) // "The first layer's weights, one 64×64 picture per hidden unit (20), ..."
 */
export function weightsCaption(units: number, shape: readonly number[]): string {
  const size = `${shape[0] ?? '?'}×${shape[1] ?? '?'}`;
  return units === 1
    ? `The weights w as a ${size} picture (each colour channel scaled from the lowest to the highest weight).`
    : `The first layer's weights, one ${size} picture per hidden unit${units > 25 ? ` (the first 25 of ${units})` : ` (${units})`}, each colour channel scaled from its lowest to its highest weight.`;
}
