// A read view of an image's merged root filesystem: its layers extracted into the store and
// mounted as one overlay (an empty directory for an image without layers).
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "runtime/exec/scoped_mount.h"
#include "runtime/oci/image.h"
#include "runtime/store/store.h"

namespace strata::schedule {

// The extracted layer directories of `image`, bottom to top (oci::ExtractLayer each).
llvm::Expected<std::vector<std::string>> ExtractLayers(const store::Store& store,
                                                       const oci::Image& image);

class RootfsView {
 public:
  // Mounts the view under `work_dir` (which must outlive the view): work_dir/root, with a
  // throwaway upper dir (nothing is written through it).
  static llvm::Expected<RootfsView> Open(const store::Store& store, const oci::Image& image,
                                         const std::string& work_dir);
  // The same view for a reader of metadata alone (kinds, modes, owners, sizes, link targets:
  // a COPY's plan without chown): a layer not yet extracted whose listing is known
  // (LayerListing) is laid out as a skeleton under work_dir instead, with no file bytes.
  static llvm::Expected<RootfsView> OpenListed(const store::Store& store, const oci::Image& image,
                                               const std::string& work_dir);
  RootfsView(RootfsView&&) noexcept = default;
  RootfsView& operator=(RootfsView&&) noexcept = default;

  static RootfsView Empty(std::string root) { return RootfsView(std::move(root), {}); }
  static RootfsView Mounted(std::string root, exec::ScopedMount mount) {
    return RootfsView(std::move(root), std::move(mount));
  }

  const std::string& Root() const { return root_; }
  llvm::Error Close() { return mount_.Unmount(); }

 private:
  RootfsView(std::string root, exec::ScopedMount mount)
      : root_(std::move(root)), mount_(std::move(mount)) {}
  std::string root_;
  exec::ScopedMount mount_;
};

}  // namespace strata::schedule
