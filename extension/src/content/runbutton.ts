// The "Run locally" button: in GitHub's repository header next to Watch/Fork/Star when that
// exists, else floating at the bottom right of the page.
import { h } from '../shared/dom';
import { floatingCss } from './panelstyle';

// Where GitHub has put the repository header's action list over the years, most specific first.
const anchorSelectors = [
  '#repository-container-header ul.pagehead-actions',
  '#repository-details-container ul.pagehead-actions',
  'ul.pagehead-actions',
];

export function findAnchor(doc: Document = document): HTMLElement | null {
  for (const selector of anchorSelectors) {
    const el = doc.querySelector<HTMLElement>(selector);
    if (el) return el;
  }
  return null;
}

export type ButtonPlacement = 'header' | 'floating';

export class RunButton {
  readonly element: HTMLElement;
  readonly placement: ButtonPlacement;
  private readonly button: HTMLButtonElement;
  private readonly label: HTMLElement;

  constructor(anchor: HTMLElement | null, onClick: () => void) {
    this.button = h('button', { type: 'button', rr: 'run-button', onClick: (e) => { e.preventDefault(); onClick(); } } /* h() passes trusted clicks only */, '▶ Run locally');
    this.label = h('span', { rr: 'detect-label' });
    if (anchor) {
      this.placement = 'header';
      // GitHub's own default button, like Watch, Fork and Star next to it: GitHub themes it.
      this.button.className = 'btn btn-sm';
      this.label.className = 'color-fg-muted f6';
      this.label.style.marginLeft = '6px';
      this.element = h('li', { rr: 'action-item' }, h('div', { class: 'd-flex flex-items-center' }, this.button, this.label));
      anchor.prepend(this.element);
    } else {
      this.placement = 'floating';
      this.label.className = 'label';
      this.element = document.createElement('reporunner-float');
      this.element.dataset.rr = 'floating';
      const root = this.element.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = floatingCss;
      root.append(style, h('div', { class: 'float' }, this.label, this.button));
      document.documentElement.append(this.element);
    }
  }

  setLabel(text: string, title = text): void {
    this.label.textContent = text;
    this.button.title = title;
  }

  isAttached(): boolean {
    return this.element.isConnected;
  }

  remove(): void {
    this.element.remove();
  }
}
