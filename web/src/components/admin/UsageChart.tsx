// One usage chart (Chart.js). The library is imported when the first chart is drawn, so only
// the admin console and the settings usage block pay for it, never the chat's first paint.
import { useEffect, useRef, useState } from 'react';
import { t } from '../../messages';
import './usage.css';

type ChartModule = typeof import('chart.js/auto');
let loading: Promise<ChartModule> | null = null;

function loadChart(): Promise<ChartModule> {
  loading ??= import('chart.js/auto');
  return loading;
}

export interface Series {
  label: string;
  values: number[];
  color: string;
  /** A second value axis (on the right, or on top for horizontal bars): money next to counts. */
  secondary?: boolean;
}

interface Props {
  kind: 'bar' | 'line';
  labels: string[];
  series: Series[];
  /** What the chart shows, for screen readers (the canvas itself is not readable). */
  title: string;
  /** Bars across (long category names such as users or models). */
  horizontal?: boolean;
  format?: (v: number) => string;
}

export function UsageChart({ kind, labels, series, title, horizontal = false, format }: Props) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let cancelled = false;
    loadChart().then(
      ({ default: Chart }) => {
        if (cancelled || !canvas.current) return;
        chart = new Chart(canvas.current, {
          type: kind,
          data: {
            labels,
            datasets: series.map((s) => ({
              label: s.label,
              data: s.values,
              backgroundColor: s.color,
              borderColor: s.color,
              tension: 0.25,
              [horizontal ? 'xAxisID' : 'yAxisID']: s.secondary ? 'secondary' : 'primary',
            })),
          },
          options: {
            indexAxis: horizontal ? 'y' : 'x',
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: {
              legend: { display: series.length > 1 },
              tooltip: format ? { callbacks: { label: (c) => `${c.dataset.label}: ${format(Number(c.raw))}` } } : {},
            },
            scales: {
              primary: { axis: horizontal ? 'x' : 'y', beginAtZero: true, position: horizontal ? 'bottom' : 'left' },
              ...(series.some((s) => s.secondary)
                ? {
                    secondary: {
                      axis: horizontal ? 'x' : 'y',
                      beginAtZero: true,
                      position: horizontal ? 'top' : 'right',
                      grid: { drawOnChartArea: false },
                    },
                  }
                : {}),
            },
          },
        });
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [kind, labels, series, horizontal, format]);

  return (
    <figure className="usage-chart" data-points={labels.length}>
      <figcaption>{title}</figcaption>
      {failed ? (
        <p className="muted">{t('admin.chartFailed')}</p>
      ) : (
        <div className="usage-chart-box">
          <canvas ref={canvas} role="img" aria-label={title} />
        </div>
      )}
    </figure>
  );
}
