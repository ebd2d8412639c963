import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { contourLevels, contourSvg } from '../../src/viz/landscape.js';
import { svgTexts } from './helpers.js';

const view = (values: number[][]) => ({
  x: [-1, 0, 1],
  y: [-1, 0, 1],
  values,
  title: 'T',
  subtitle: ['s'],
  xTitle: 'x axis',
  yTitle: 'y axis',
  legendTitle: 'loss',
});

describe('contour plots', () => {
  it('spaces levels evenly, or evenly in log over more than a factor of 10', () => {
    expect(contourLevels(1, 3, 3)).toEqual([1, 2, 3]);
    const log = contourLevels(0.01, 10, 4);
    expect(log[0]).toBeCloseTo(0.01, 15);
    expect(log[1]).toBeCloseTo(0.1, 14);
    expect(log[3]).toBeCloseTo(10, 12);
    expect(contourLevels(2, 2)).toEqual([2]);
  });

  it('draws a grid with a diverged (infinite) point, axis titles and the trained point', async () => {
    const svg = await contourSvg({ ...view([[1, 2, 3], [2, 1, 2], [3, 2, Number.POSITIVE_INFINITY]]), path: [{ x: -1, y: -1, label: 'start' }, { x: 0, y: 0 }] });
    const texts = svgTexts(svg);
    for (const t of ['T', 's', 'x axis', 'y axis', 'loss', 'trained θ*', 'start']) expect(texts).toContain(t);
    expect(svg).not.toContain('NaN');
  });

  it('refuses a grid that is not square', async () => {
    await expect(contourSvg({ ...view([[1, 2, 3], [2, 1, 2]]), y: [-1, 1] })).rejects.toBeInstanceOf(ArgumentError);
  });
});
