import { cleanup, fireEvent, render } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scene } from '../../lib/types';
import { parseKeywords, SceneEditor } from './SceneEditor';

/** The editor with its state, as the Create page holds it; `seen` records every change it reports. */
function Harness({ initial, seen, errors = {} }: { initial: Scene[]; seen: Scene[][]; errors?: Record<string, string> }) {
  const [scenes, setScenes] = useState(initial);
  return <SceneEditor scenes={scenes} errors={errors} onChange={(s) => { seen.push(s); setScenes(s); }} />;
}

describe('SceneEditor', () => {
  afterEach(cleanup); // testing-library cleans up by itself only with vitest's globals
  it('adds, edits, reorders and removes scenes', () => {
    const seen: Scene[][] = [];
    const view = render(<Harness initial={[{ text: 'one' }]} seen={seen} />);
    expect((view.getByRole('button', { name: 'Remove scene 1' }) as HTMLButtonElement).disabled).toBe(true); // never zero scenes
    fireEvent.click(view.getByRole('button', { name: 'Add scene' }));
    fireEvent.input(view.getByLabelText('Scene 2 text'), { target: { value: 'two' } });
    fireEvent.input(view.getByLabelText('Scene 2 background image (URL, path or media:id, optional)'), { target: { value: 'https://x.test/clip.mp4' } });
    expect(seen.at(-1)).toEqual([{ text: 'one' }, { text: 'two', background: { video: 'https://x.test/clip.mp4' } }]);
    fireEvent.click(view.getByRole('button', { name: 'Move scene 2 up' }));
    expect(seen.at(-1)!.map((s) => s.text)).toEqual(['two', 'one']);
    expect((view.getByRole('button', { name: 'Move scene 1 up' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(view.getByRole('button', { name: 'Remove scene 2' }));
    expect(seen.at(-1)).toEqual([{ text: 'two', background: { video: 'https://x.test/clip.mp4' } }]);
  });

  it('takes search words per scene as a comma-separated list, kept when the background changes, and removed when emptied', () => {
    const seen: Scene[][] = [];
    const view = render(<Harness initial={[{ text: 'Whales sing.' }]} seen={seen} errors={{ 'scenes.0.keywords.1': 'must be at most 60 characters' }} />);
    const words = view.getByLabelText('Scene 1 search words for its stock clip or image (comma-separated, optional)') as HTMLInputElement;
    fireEvent.change(words, { target: { value: ' humpback whale, ocean,, ocean ' } });
    expect(seen.at(-1)).toEqual([{ text: 'Whales sing.', keywords: ['humpback whale', 'ocean'] }]);
    expect(words.value).toBe('humpback whale, ocean');
    fireEvent.input(view.getByLabelText('Scene 1 background image (URL, path or media:id, optional)'), { target: { value: 'sea.png' } });
    expect(seen.at(-1)).toEqual([{ text: 'Whales sing.', keywords: ['humpback whale', 'ocean'], background: { image: 'sea.png' } }]);
    fireEvent.change(words, { target: { value: ' , ' } });
    expect(seen.at(-1)).toEqual([{ text: 'Whales sing.', background: { image: 'sea.png' } }]);
    // An error on one of the words shows next to the field.
    expect(document.getElementById(words.getAttribute('aria-describedby')!)!.textContent).toBe('must be at most 60 characters');
    expect(parseKeywords('a,b , a')).toEqual(['a', 'b']);
  });

  it('shows a scene field error next to its text and marks the control invalid', () => {
    const view = render(<Harness initial={[{ text: '' }]} seen={[]} errors={{ 'scenes.0.text': 'text is required' }} />);
    const text = view.getByLabelText('Scene 1 text');
    expect(text.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(text.getAttribute('aria-describedby')!)!.textContent).toBe('text is required');
  });
});
