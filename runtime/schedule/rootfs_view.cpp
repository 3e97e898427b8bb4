// A read view of an image's merged root filesystem (overlay of its extracted layers).
#include "runtime/schedule/rootfs_view.h"

#include <sys/stat.h>

#include "runtime/exec/overlay_mount.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/oci/layer_extractor.h"

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

llvm::Expected<RootfsView> RootfsView::Open(const store::Store& store, const oci::Image& image,
                                            const std::string& work_dir) {
  std::string root = work_dir + "/root";
  if (llvm::Error err = exec::MakeDirs(root)) return err;
  if (image.layers.empty()) return RootfsView(root, exec::ScopedMount());
  llvm::Expected<std::vector<std::string>> lowers = ExtractLayers(store, image);
  if (!lowers) return lowers.takeError();
  std::string upper = work_dir + "/view-upper";
  std::string work = work_dir + "/view-work";
  if (llvm::Error err = exec::MakeDirs(upper)) return err;
  if (llvm::Error err = exec::MakeDirs(work)) return err;
  llvm::Expected<exec::ScopedMount> mount = exec::MountOverlay(*lowers, upper, work, root);
  if (!mount) return mount.takeError();
  return RootfsView(root, std::move(*mount));
}

}  // namespace strata::schedule
