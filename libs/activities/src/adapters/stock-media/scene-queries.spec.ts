import { contentWords, sceneQueries } from './scene-queries';

describe('sceneQueries', () => {
  it('uses the scene\'s keywords first, then the topic', () => {
    expect(sceneQueries({ text: 'Anything.', keywords: ['Anglerfish', ' deep sea '], topic: 'the deep sea' })).toEqual(['anglerfish', 'deep sea', 'the deep sea']);
  });

  it('derives content words from the text when the scene has no keywords (longest first, at most 3)', () => {
    expect(sceneQueries({ text: 'Anglerfish dangle glowing lures to draw in their prey.', topic: 'ocean' })).toEqual(['anglerfish', 'glowing', 'dangle', 'ocean']);
  });

  it('drops stop words, short words and repeats', () => {
    expect(contentWords("It is what it is: the whale's song, the whale.")).toEqual(['whale', 'song']);
    expect(sceneQueries({ text: 'It is so.' })).toEqual([]);
  });
});
