// ImageService RPCs.
import type { ImageHandlers } from '../rpc-types.js';
import { PullImage } from './pull-image.js';
import { ImageStatus } from './image-status.js';
import { ListImages, StreamImages } from './list-images.js';
import { RemoveImage } from './remove-image.js';
import { ImageFsInfo } from './image-fs-info.js';

export const imageHandlers: ImageHandlers = { PullImage, ImageStatus, ListImages, StreamImages, RemoveImage, ImageFsInfo };
