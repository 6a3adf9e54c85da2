// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IValidatorSet} from "./IValidatorSet.sol";
import {ValidatorSet} from "./ValidatorSet.sol";

contract ValidatorSetTest is TestBase {
    ConsortiumRegistry internal consortium;
    ValidatorSet internal validatorSet;
    address[4] internal governors = [address(0xA0), address(0xA1), address(0xA2), address(0xA3)];
    address internal signer5 = address(0x5150);
    address internal outsider = address(0xDEAD);
    uint64 internal constant PERIOD = 1 days;

    function setUp() public {
        address[] memory founders = new address[](4);
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            founders[i] = governors[i];
            names[i] = "member";
            roles[i] = new bytes32[](0);
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        validatorSet = new ValidatorSet(consortium);
    }

    function propose(address proposer, IValidatorSet.ChangeKind kind, address signer) internal returns (bytes32) {
        vm.prank(proposer);
        return validatorSet.proposeChange(kind, signer, governors[3], PERIOD, "salt");
    }

    function testAMajorityOfGovernorsAddsAValidator() public {
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        assertEq(
            id,
            validatorSet.changeIdOf(governors[0], IValidatorSet.ChangeKind.Add, signer5, governors[3], "salt"),
            "the id derives from proposer and content"
        );
        vm.prank(governors[1]);
        validatorSet.approveChange(id);
        assertEq(validatorSet.getValidators().length, 0, "two of four is not a majority");
        vm.prank(governors[2]);
        validatorSet.approveChange(id);
        assertEq(validatorSet.getValidators().length, 1, "three of four executes");
        assertEq(validatorSet.getValidators()[0], signer5, "the signer is a validator");
        assertEq(validatorSet.operatorOf(signer5), governors[3], "run by its operator");
        assertTrue(validatorSet.change(id).status == IValidatorSet.ChangeStatus.Executed, "executed");
    }

    function testRemovesAValidatorByMajority() public {
        bytes32 add = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.prank(governors[1]);
        validatorSet.approveChange(add);
        vm.prank(governors[2]);
        validatorSet.approveChange(add);
        bytes32 remove = propose(governors[1], IValidatorSet.ChangeKind.Remove, signer5);
        vm.prank(governors[2]);
        validatorSet.approveChange(remove);
        vm.prank(governors[3]);
        validatorSet.approveChange(remove);
        assertEq(validatorSet.getValidators().length, 0, "removed");
        assertEq(validatorSet.operatorOf(signer5), address(0), "no operator any more");
    }

    function testOnlyGovernorsProposeAndApprove() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.NotGovernor.selector, outsider));
        propose(outsider, IValidatorSet.ChangeKind.Add, signer5);
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.NotGovernor.selector, outsider));
        vm.prank(outsider);
        validatorSet.approveChange(id);
    }

    function testAGovernorApprovesOnce() public {
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.AlreadyApproved.selector, id, governors[0]));
        vm.prank(governors[0]);
        validatorSet.approveChange(id);
    }

    function testTheSameChangeAndSaltCannotBeProposedTwice() public {
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.ChangeIdTaken.selector, id));
        propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
    }

    function testAnExpiredChangeCannotBeApproved() public {
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.warp(block.timestamp + PERIOD + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorSet.ChangeNotPending.selector, id, IValidatorSet.ChangeStatus.Expired)
        );
        vm.prank(governors[1]);
        validatorSet.approveChange(id);
    }

    function testOnlyTheProposerCancels() public {
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.NotProposer.selector, id, governors[1]));
        vm.prank(governors[1]);
        validatorSet.cancelChange(id);
        vm.prank(governors[0]);
        validatorSet.cancelChange(id);
        assertTrue(validatorSet.change(id).status == IValidatorSet.ChangeStatus.Canceled, "canceled");
    }

    function testRefusesAnOperatorOutsideTheConsortiumAndAVotingPeriodOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.OperatorNotMember.selector, outsider));
        vm.prank(governors[0]);
        validatorSet.proposeChange(IValidatorSet.ChangeKind.Add, signer5, outsider, PERIOD, "salt");
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.VotingPeriodOutOfRange.selector, 1, 10 minutes, 30 days));
        vm.prank(governors[0]);
        validatorSet.proposeChange(IValidatorSet.ChangeKind.Add, signer5, governors[3], 1, "salt");
    }

    function testCannotAddAValidatorTwice() public {
        bytes32 id = propose(governors[0], IValidatorSet.ChangeKind.Add, signer5);
        vm.prank(governors[1]);
        validatorSet.approveChange(id);
        vm.prank(governors[2]);
        validatorSet.approveChange(id);
        vm.expectRevert(abi.encodeWithSelector(IValidatorSet.AlreadyValidator.selector, signer5));
        vm.prank(governors[1]);
        validatorSet.proposeChange(IValidatorSet.ChangeKind.Add, signer5, governors[3], PERIOD, "other");
    }
}
