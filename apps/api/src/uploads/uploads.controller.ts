import { Controller, Delete, Head, Options, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { UploadsService } from './uploads.service';

const TUS_RESUMABLE = { name: 'Tus-Resumable', required: true, description: 'tus protocol version: 1.0.0' };

/** HTTP <-> the tus server in UploadsService: every method of the protocol is handed over as it came. */
@ApiTags('uploads')
@Controller('api/uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Options()
  @ApiOperation({ summary: 'tus discovery: Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm' })
  @ApiResponse({ status: 204, description: 'The server\'s tus capabilities' })
  discover(@Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(req, res);
  }

  @Post()
  @ApiOperation({ summary: 'tus creation (and creation-with-upload): Upload-Length, Upload-Metadata (filename ...)' })
  @ApiHeader(TUS_RESUMABLE)
  @ApiHeader({ name: 'Upload-Length', required: true, description: 'Size of the whole file in bytes (at most UPLOAD_MAX_BYTES)' })
  @ApiHeader({ name: 'Upload-Metadata', required: false, description: 'Comma-separated `key base64value` pairs, e.g. `filename <base64>`' })
  @ApiHeader({ name: 'Upload-Checksum', required: false, description: '`sha256 <base64 digest>` of a body sent with the creation' })
  @ApiResponse({ status: 201, description: 'Created; Location: /api/uploads/<id>' })
  @ApiResponse({ status: 413, description: 'Upload-Length over UPLOAD_MAX_BYTES' })
  create(@Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(req, res);
  }

  @Head(':id')
  @ApiOperation({ summary: 'tus: how many bytes the server has (Upload-Offset) and the size (Upload-Length)' })
  @ApiHeader(TUS_RESUMABLE)
  @ApiResponse({ status: 200, description: 'Upload-Offset and Upload-Length headers' })
  @ApiResponse({ status: 410, description: 'An unfinished upload past its expiry' })
  offset(@Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(req, res);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'tus: append a chunk at Upload-Offset (Content-Type: application/offset+octet-stream)' })
  @ApiHeader(TUS_RESUMABLE)
  @ApiHeader({ name: 'Upload-Offset', required: true, description: 'Where the chunk starts: the offset HEAD answered' })
  @ApiHeader({ name: 'Upload-Checksum', required: false, description: '`sha256 <base64 digest>` (or sha1) of this chunk' })
  @ApiResponse({ status: 204, description: 'Stored; Upload-Offset is the new offset' })
  @ApiResponse({ status: 409, description: 'Upload-Offset is not the server\'s offset' })
  @ApiResponse({ status: 460, description: 'Checksum mismatch: nothing of the chunk was kept' })
  append(@Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(req, res);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'tus termination: remove the upload' })
  @ApiHeader(TUS_RESUMABLE)
  @ApiResponse({ status: 204, description: 'Removed' })
  terminate(@Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(req, res);
  }
}
