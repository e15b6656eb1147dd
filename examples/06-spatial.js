// Spatial lag (SAR) and spatial error (SEM) regression: Anselin's Columbus crime data.
import { fitSAR, fitSEM, spatialWeights, readTable, numericColumn } from 'ardiff';

const data = readTable('data/spatial_columbus_oldcol.csv');
const edges = readTable('data/spatial_columbus_oldcol_edges.csv');
const from = numericColumn(edges, 'from'), to = numericColumn(edges, 'to');
const W = spatialWeights(Array.from(from, (f, i) => [f, to[i]]), 49, { ids: numericColumn(data, 'id') });
const y = numericColumn(data, 'CRIME');
const X = { INC: numericColumn(data, 'INC'), HOVAL: numericColumn(data, 'HOVAL') };
const sar = fitSAR(y, X, W);
console.log(`SAR: rho = ${sar.rho.toFixed(4)} (se ${sar.rhoStdError.toFixed(4)}), logLik ${sar.llf.toFixed(3)}`);
console.log('impacts of INC: direct', sar.impacts.direct[0].toFixed(4), 'indirect', sar.impacts.indirect[0].toFixed(4), 'total', sar.impacts.total[0].toFixed(4));
const sem = fitSEM(y, X, W);
console.log(`SEM: lambda = ${sem.lambda.toFixed(4)}, logLik ${sem.llf.toFixed(3)}`);
