// A read view of an image's merged root filesystem (overlay of its extracted layers).
#include "runtime/schedule/rootfs_view.h"

#include <sys/stat.h>

#include "compiler/support/errno_error.h"
#include "runtime/exec/overlay_mount.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/oci/layer_extractor.h"
#include "runtime/schedule/layer_skeleton.h"
#include "runtime/store/names.h"

namespace strata::schedule {

llvm::Expected<std::vector<std::string>> ExtractLayers(const store::Store& store,
                                                       const oci::Image& image) {
  std::vector<std::string> dirs;
  for (const oci::LayerDescriptor& layer : image.layers) {
    llvm::Expected<std::string> dir = oci::ExtractLayer(store, layer);
    if (!dir) return dir.takeError();
    dirs.push_back(std::move(*dir));
  }
  return dirs;
}

namespace {

// Each layer's lower dir: extracted, or (listed) a skeleton when it is not extracted yet and
// its listing is known.
llvm::Expected<std::vector<std::string>> LowerDirs(const store::Store& store,
                                                   const oci::Image& image,
                                                   const std::string& work_dir, bool listed) {
  if (!listed) return ExtractLayers(store, image);
  std::vector<std::string> dirs;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const oci::LayerDescriptor& layer = image.layers[i];
    std::string extracted = store.Root() + "/layers/" + store::DigestHex(layer.diff_id).str();
    struct stat st;
    llvm::Expected<std::shared_ptr<const std::vector<oci::TarIndexEntry>>> listing =
        ::lstat(extracted.c_str(), &st) == 0 && S_ISDIR(st.st_mode)
            ? std::shared_ptr<const std::vector<oci::TarIndexEntry>>()
            : LayerListing(store, layer);
    if (!listing) return listing.takeError();
    if (*listing) {
      std::string dir = work_dir + "/listed-" + std::to_string(i);
      if (::mkdir(dir.c_str(), 0755) != 0) return support::ErrnoError(errno, "cannot create", dir);
      std::vector<const oci::TarIndexEntry*> entries;
      for (const oci::TarIndexEntry& entry : **listing) entries.push_back(&entry);
      if (MakeLayerSkeleton(dir, entries)) {
        dirs.push_back(std::move(dir));
        continue;
      }
    }
    // No listing, or one the skeleton declined: extracted (and checked) as for any view.
    llvm::Expected<std::string> dir = oci::ExtractLayer(store, layer);
    if (!dir) return dir.takeError();
    dirs.push_back(std::move(*dir));
  }
  return dirs;
}

llvm::Expected<RootfsView> OpenView(const store::Store& store, const oci::Image& image,
                                    const std::string& work_dir, bool listed) {
  std::string root = work_dir + "/root";
  if (llvm::Error err = exec::MakeDirs(root)) return err;
  if (image.layers.empty()) return RootfsView::Empty(root);
  llvm::Expected<std::vector<std::string>> lowers = LowerDirs(store, image, work_dir, listed);
  if (!lowers) return lowers.takeError();
  std::string upper = work_dir + "/view-upper";
  std::string work = work_dir + "/view-work";
  if (llvm::Error err = exec::MakeDirs(upper)) return err;
  if (llvm::Error err = exec::MakeDirs(work)) return err;
  llvm::Expected<exec::ScopedMount> mount = exec::MountOverlay(*lowers, upper, work, root);
  if (!mount) return mount.takeError();
  return RootfsView::Mounted(root, std::move(*mount));
}

}  // namespace

llvm::Expected<RootfsView> RootfsView::Open(const store::Store& store, const oci::Image& image,
                                            const std::string& work_dir) {
  return OpenView(store, image, work_dir, /*listed=*/false);
}

llvm::Expected<RootfsView> RootfsView::OpenListed(const store::Store& store,
                                                  const oci::Image& image,
                                                  const std::string& work_dir) {
  return OpenView(store, image, work_dir, /*listed=*/true);
}

}  // namespace strata::schedule
